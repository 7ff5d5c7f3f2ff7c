# run --no-pivot: MS_MOVE + chroot instead of pivot_root.
run_flags=--no-pivot
