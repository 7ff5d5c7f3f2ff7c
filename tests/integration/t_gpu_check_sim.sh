#!/bin/bash
# tests/gpu/gpu-check-sim.sh: the real-GPU scripts, unchanged, in a mount namespace dressed as
# a GPU machine whose driver lives under /usr/local/nvidia behind a wrapper nvidia-smi.
exec bash "$(dirname "$0")/../gpu/gpu-check-sim.sh"
