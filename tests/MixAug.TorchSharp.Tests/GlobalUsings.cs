global using MixAug.Planning;
global using static TorchSharp.torch;
global using Tensor = TorchSharp.torch.Tensor;
global using ScalarType = TorchSharp.torch.ScalarType;
