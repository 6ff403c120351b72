// The TorchSharp half of .ci/pack-smoke.sh: a fresh console project with the MixAug.TorchSharp and TorchSharp-cpu
// packages whose first statement is a torch call, before anything of MixAug is loaded (the MixAug calls sit in a
// method of their own, which the JIT compiles only when it is first called). On Debian 12 that first call fails with
// TorchSharp's "doesn't contain a reference to libtorch-cpu-linux-x64" unless the module initializer that the
// MixAug.TorchSharp package compiles into this project (buildTransitive/MixAug.TorchSharp.targets) ran first.
using System.Runtime.CompilerServices;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;
using TorchSharp;

using torch.Tensor ones = torch.ones(2, 3, 4, 4);
float sum = ones.sum().item<float>();
Console.WriteLine($"torch first: sum {sum}, mixed sum {MixedSum(ones)}");

[MethodImpl(MethodImplOptions.NoInlining)]
static float MixedSum(torch.Tensor images)
{
    MixPlan plan = new MixUp(alpha: 0.8).CreatePlan(new BatchShape(2, 3, 4, 4), MixRandom.ForBatch(1, 0, 0));
    using torch.Tensor mixed = TorchMixer.Apply(plan, images);
    return mixed.sum().item<float>();
}
