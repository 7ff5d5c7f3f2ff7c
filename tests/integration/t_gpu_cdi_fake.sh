#!/bin/bash
# tests/gpu/gpu-check-fake.sh: cdi generate on a fake driver layout, schema validation, and
# containers that get (or do not get) the fake GPU through the generated spec.
exec bash "$(dirname "$0")/../gpu/gpu-check-fake.sh"
