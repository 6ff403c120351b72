using MixAug.Train.Data;

// Placeholder until the training loop lands: load the data set and describe it.
string dir = args.Length > 1 && args[0] == "--data" ? args[1] : "../shared/data/fashion-mnist";
FashionMnist data = FashionMnist.Load(dir);
Console.WriteLine($"Fashion-MNIST: {data.Train.Count} training and {data.Test.Count} test images of {data.Train.Side}x{data.Train.Side}.");
