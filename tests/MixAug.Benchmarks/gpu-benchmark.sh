#!/usr/bin/env bash
# Publishes tests/MixAug.Benchmarks self-contained for linux-x64 and runs its device benchmark (--torch-device):
# MixUp (one lambda, a lambda per sample), CutMix and FMix per sample, SaliencyMix and float16 MixUp, at 224x224
# batches of 128 and 1024, each in ms and as a ratio to clone() and to copy_() of the same batch on the same device.
#
#   tests/MixAug.Benchmarks/gpu-benchmark.sh                        # CUDA, with the libtorch of the PyTorch that python3 imports
#   tests/MixAug.Benchmarks/gpu-benchmark.sh --libtorch package     # CUDA, with TorchSharp's own CUDA package (TorchSharp-cuda-linux)
#   tests/MixAug.Benchmarks/gpu-benchmark.sh --device cpu           # CPU, with TorchSharp-cpu: the same program, for a dry run anywhere
#   tests/MixAug.Benchmarks/gpu-benchmark.sh --device cpu --libtorch pytorch   # CPU, through PyTorch's libtorch: a dry run of that route
#   ... --batches 128 --calls 20 --warmups 3      # passed on to the benchmark
#
# Output goes to stdout and to out/gpu-benchmark/result-<device>.txt. See docs/performance-torchsharp.md.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
device=cuda
libtorch=
passed=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --device) device=$2; shift 2 ;;
        --libtorch) libtorch=$2; shift 2 ;;
        *) passed+=("$1"); shift ;;
    esac
done

# The default: PyTorch's libtorch for a GPU, TorchSharp-cpu for the CPU.
[[ -z $libtorch ]] && { [[ $device == cpu ]] && libtorch=package || libtorch=pytorch; }
case "$libtorch" in
    pytorch | package) ;;
    *) echo "--libtorch must be 'pytorch' or 'package', not '$libtorch'" >&2; exit 2 ;;
esac

out=$repo/out/gpu-benchmark/$device-$libtorch
properties=()
case "$device,$libtorch" in
    cpu,package) source=TorchSharp-cpu ;;
    *,package) source=TorchSharp-cuda-linux; properties=(-p:MixAugTorchCuda=true -p:MixAugTorchCudaPackage=true) ;;
    *) source="PyTorch's libtorch"; properties=(-p:MixAugTorchCuda=true) ;; # no libtorch package at all
esac

torch_lib=
if [[ $libtorch == pytorch ]]; then
    # Checked before publishing, which takes minutes.
    torch_lib=$(python3 -c "import torch, os; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))") || {
        echo "python3 cannot import torch; install PyTorch (with CUDA for a GPU), or use --libtorch package" >&2
        exit 2
    }
fi

echo "publishing to $out" >&2
dotnet publish "$repo/tests/MixAug.Benchmarks" -c Release -r linux-x64 --self-contained "${properties[@]}" -o "$out" >&2

environment=()
if [[ $libtorch == pytorch ]]; then
    glue=$out/libLibTorchSharp.so
    if [[ ! -f $glue ]]; then
        # TorchSharp's glue library, from the package the publish restored (the publish copies it only with a libtorch package).
        packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
        cp "$packages/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so" "$glue"
    fi

    # MIXAUG_LIBTORCHSHARP makes TorchSharpRuntime.EnsureLoadable() load this glue library (made loadable on
    # distributions whose libstdc++ lacks GLIBCXX_3.4.32); LD_LIBRARY_PATH lets it find PyTorch's libtorch.
    environment=(env "LD_LIBRARY_PATH=$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "MIXAUG_LIBTORCHSHARP=$glue")
fi

result=$repo/out/gpu-benchmark/result-$device.txt
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -n), device $device, libtorch from $source"
    if command -v nvidia-smi > /dev/null && [[ $device != cpu ]]; then
        nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/# GPU: /'
    fi
    "${environment[@]}" "$out/MixAug.Benchmarks" --torch-device --device "$device" "${passed[@]}"
} | tee "$result"
