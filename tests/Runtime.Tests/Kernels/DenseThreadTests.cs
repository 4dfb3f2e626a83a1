using System;
using Axon.Kernels;
using Xunit;
using static Axon.Runtime.Tests.Kernels.LayerTestSupport;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// On several threads a dense layer's activation passes (forward for activations the product cannot fuse, the
/// derivative and bias sum in backward) split by columns; every activation must give the one-thread bits.
/// </summary>
public class DenseThreadTests
{
    [Theory]
    [InlineData("Sigmoid", 128, 100)]
    [InlineData("Tanh", 64, 256)]
    [InlineData("Gelu", 128, 130)]
    [InlineData("LeakyRelu", 96, 72)]
    [InlineData("Relu", 128, 128)]
    [InlineData("Softmax", 128, 80)]   // rows, never split by columns
    public void ActivationPasses_OnTwoAndThreeThreads_AreBitwiseTheOneThreadResult(string activation, int batch, int width)
    {
        const int inFeatures = 48;
        var x = Random(batch * inFeatures, 1);
        var w = Random(width * inFeatures, 2);
        var b = Random(width, 3);
        var dy = Random(batch * width, 4);

        (float[] Z, float[] Y, float[] Dz, float[] Db, float[] Dw) Run(WorkerPool? pool)
        {
            float[] z = new float[batch * width], y = new float[batch * width], dz = (float[])dy.Clone();
            float[] db = new float[width], dw = new float[width * inFeatures], dx = new float[batch * inFeatures];
            switch (activation)
            {
                case "Sigmoid": Pass(new SigmoidActivation()); break;
                case "Tanh": Pass(new TanhActivation()); break;
                case "Gelu": Pass(new GeluActivation()); break;
                case "LeakyRelu": Pass(new LeakyReluActivation(0.1f)); break;
                case "Relu": Pass(new ReluActivation()); break;
                default: Pass(new SoftmaxActivation()); break;
            }
            return (z, y, dz, db, dw);

            void Pass<TAct>(TAct act) where TAct : struct, IActivation
            {
                Dense.Forward(x, w, b, z, y, batch, inFeatures, width, act, pool);
                Dense.Backward(x, w, z, y, dz, dw, db, dx, batch, inFeatures, width, act, gradIsPreActivation: false,
                    computeParameterGradients: true, computeInputGradient: true, pool, new float[batch * inFeatures]);
            }
        }

        var one = Run(null);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = Run(WorkerPool.Get(threads));
            Assert.Equal(one.Z, many.Z);
            Assert.Equal(one.Y, many.Y);
            Assert.Equal(one.Dz, many.Dz);
            Assert.Equal(one.Db, many.Db);
            Assert.Equal(one.Dw, many.Dw);
        }
    }
}
