using Portal.Shared.Intelligence;

namespace Portal.Tests.Shared.Intelligence;

public sealed class VectorsTests
{
    [Fact]
    public void AVectorSurvivesPackingByteForByte()
    {
        float[] vector = [0.5f, -1.25f, 3e-7f, float.Epsilon, 0f];
        Assert.Equal(vector, Vectors.Unpack(Vectors.Pack(vector)));
        Assert.Equal(vector.Length * 4, Vectors.Pack(vector).Length);
    }

    [Fact]
    public void NormalizingGivesLengthOneAndLeavesZeroAlone()
    {
        var unit = Vectors.Normalize([3f, 4f]);
        Assert.Equal([0.6f, 0.8f], unit);
        Assert.Equal([0f, 0f], Vectors.Normalize([0f, 0f]));
    }

    [Fact]
    public void TheNearestAreThoseABruteForceSortFinds()
    {
        var random = new Random(5);
        const int dims = 16;
        var rows = Enumerable.Range(0, 500).Select(_ => Vectors.Normalize([.. Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() - 0.5))])).ToList();
        var matrix = rows.SelectMany(r => r).ToArray();
        var query = Vectors.Normalize([.. Enumerable.Range(0, dims).Select(_ => (float)(random.NextDouble() - 0.5))]);

        var found = Vectors.Nearest(matrix, dims, query, 7, row => row % 3 != 0);

        var expected = rows.Select((r, i) => (i, Score: r.Zip(query, (a, b) => a * b).Sum())).Where(x => x.i % 3 != 0)
            .OrderByDescending(x => x.Score).Take(7).ToList();
        Assert.Equal(expected.Select(e => e.i), found.Select(f => f.Position));
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(expected[i].Score, found[i].Score, 4);
        }
    }

    [Fact]
    public void AQueryOfTheWrongSizeIsRefused() =>
        Assert.Throws<ArgumentException>(() => Vectors.Nearest(new float[8], 4, new float[3], 1));

    [Fact]
    public void AnEmptyIndexFindsNothing() => Assert.Empty(Vectors.Nearest([], 4, new float[4], 5));
}
