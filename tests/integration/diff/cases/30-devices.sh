# linux.devices: a char device with mode/uid/gid, a block device, a fifo, one in a subdirectory,
# and one that overrides a default device.
filter='.linux.devices = [
  {"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 384, "uid": 1000, "gid": 10},
  {"path": "/dev/loopx", "type": "b", "major": 7, "minor": 200, "fileMode": 432},
  {"path": "/dev/myfifo", "type": "p", "fileMode": 420},
  {"path": "/dev/sub/dir/null2", "type": "c", "major": 1, "minor": 3},
  {"path": "/dev/zero", "type": "c", "major": 1, "minor": 5, "fileMode": 438, "uid": 5, "gid": 5}]'
extra='stat -c "%n %F %a %u:%g %t:%T" /dev/sub/dir/null2 /dev/sub /dev/sub/dir'
