# maskedPaths with files, directories and missing paths.
filter='.linux.maskedPaths = ["/proc/kcore", "/proc/version", "/etc", "/proc/nonexistent", "/probe.sh2"]'
extra='cat /proc/version; ls /etc | wc -l; touch /etc/x; echo "rc=$?"'
