using Axon.Adversarial;
using Xunit;

namespace Axon.Runtime.Tests.Adversarial;

/// <summary>The target classes of APGD-T and FAB-T: the classes the clean input scores highest after its top one.</summary>
public class TargetRankTests
{
    [Fact]
    public void KthLargest_RanksDescending_TiesToTheLowerIndex()
    {
        float[] z = [0.5f, 3f, -1f, 2f, 2f, 7f];
        int[] expected = [5, 1, 3, 4, 0, 2];
        for (int rank = 0; rank < z.Length; rank++) Assert.Equal(expected[rank], Attacks.KthLargest(z, rank));
    }
}
