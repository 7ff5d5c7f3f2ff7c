# A non-root user with supplementary groups: uid/gid/groups, capabilities kept across setuid.
filter='.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20, 1000]}'
