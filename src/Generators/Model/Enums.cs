namespace Axon.Generators.Model;

// Mirrors of the Axon.Dsl enums (same names and values; a test checks they agree). The
// generator reads attribute values as integers and cannot load the Dsl assembly itself.

internal enum ActivationKind { Identity = 0, Relu = 1, LeakyRelu = 2, Sigmoid = 3, Tanh = 4, Gelu = 5, Softmax = 6 }

internal enum LossKind { None = 0, MeanSquaredError = 1, BinaryCrossEntropy = 2, SoftmaxCrossEntropy = 3 }

internal enum InitKind { Default = 0, HeUniform = 1, HeNormal = 2, GlorotUniform = 3, GlorotNormal = 4 }

internal enum OptimizerKind { Adam = 0, AdamW = 1, Sgd = 2 }

internal enum AdversarialMethodKind { Fgsm = 0, Pgd = 1, Trades = 2 }
