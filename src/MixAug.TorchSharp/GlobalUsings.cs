global using MixAug.Planning;
global using static TorchSharp.torch;
global using Tensor = TorchSharp.torch.Tensor;
global using ScalarType = TorchSharp.torch.ScalarType;
global using DeviceType = TorchSharp.DeviceType;
global using DisposeScope = TorchSharp.DisposeScope;
