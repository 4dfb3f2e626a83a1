# Sourced by the benchmark scripts: sets peer_env, the `env ...` prefix that runs the PyTorch peer on Debian's OpenBLAS.
# Needs OPENBLAS_DIR. OpenBLAS 0.3.21 does not know every newer CPU (on an Intel Xeon with AMX it picked its generic
# "Prescott" kernels) and this workplace pins OPENBLAS_CORETYPE=Haswell for old builds; Axon's GEMM uses AVX-512 where
# the CPU has it, so the peer gets OpenBLAS's SkylakeX (AVX-512) kernels there too, unless PEER_OPENBLAS_CORETYPE says
# otherwise (set it empty to let OpenBLAS detect).
if [ -z "${PEER_OPENBLAS_CORETYPE+x}" ]; then
  if grep -qw avx512f /proc/cpuinfo; then PEER_OPENBLAS_CORETYPE=SkylakeX; else PEER_OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-}; fi
fi
peer_env=(env "LD_LIBRARY_PATH=$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
if [ -n "$PEER_OPENBLAS_CORETYPE" ]; then peer_env+=("OPENBLAS_CORETYPE=$PEER_OPENBLAS_CORETYPE"); else peer_env+=(-u OPENBLAS_CORETYPE); fi
