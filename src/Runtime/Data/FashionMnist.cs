using System;
using System.Collections.Generic;
using System.IO;

namespace Axon.Data;

/// <summary>
/// Fashion-MNIST (Zalando; Xiao, Rasul and Vollgraf 2017, MIT licence): 28×28 grey images of
/// clothing in 10 classes, as <see cref="Dataset"/>s with 784 features in [0, 1] and class indices.
/// </summary>
/// <remarks>
/// Two copies are looked for, in this order (<see cref="FindDirectory"/>):
/// the full set (60,000 training and 10,000 test images) that the Debian package
/// <c>dataset-fashion-mnist</c> installs in <see cref="SystemDirectory"/>; otherwise the balanced
/// subset committed with Axon (the first 1,000 training and 200 test images of each class), in a
/// <c>data/fashion-mnist</c> folder next to the executable or in any folder above it.
/// </remarks>
public static class FashionMnist
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the full set.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The relative folder that holds the committed subset: <c>data/fashion-mnist</c>.</summary>
    public static readonly string SubsetFolder = Path.Combine("data", "fashion-mnist");

    /// <summary>Image height and width.</summary>
    public const int ImageSize = 28;

    /// <summary>Features per sample: 28 × 28 = 784.</summary>
    public const int FeatureSize = ImageSize * ImageSize;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Training images file name.</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte.gz";

    /// <summary>Training labels file name.</summary>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte.gz";

    /// <summary>Test images file name.</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte.gz";

    /// <summary>Test labels file name.</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte.gz";

    /// <summary>The class names, indexed by label: 0 T-shirt/top … 9 Ankle boot.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]);

    /// <summary>
    /// Loads the training and test sets from <paramref name="directory"/>, which holds the four
    /// standard files (plain or gzipped, under the <c>.gz</c> names); by default (null) from <see cref="FindDirectory"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or the label and image counts differ.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> is null and no copy was found.</exception>
    public static (Dataset Train, Dataset Test) Load(string? directory = null)
    {
        directory ??= FindDirectory();
        return (LoadTrain(directory), LoadTest(directory));
    }

    /// <summary>Loads the training set only; see <see cref="Load"/>.</summary>
    public static Dataset LoadTrain(string? directory = null) => LoadPair(directory ?? FindDirectory(), TrainImagesFile, TrainLabelsFile);

    /// <summary>Loads the test set only; see <see cref="Load"/>.</summary>
    public static Dataset LoadTest(string? directory = null) => LoadPair(directory ?? FindDirectory(), TestImagesFile, TestLabelsFile);

    /// <summary>
    /// The folder <see cref="Load"/> uses by default: <see cref="SystemDirectory"/> when it holds
    /// the four files, else the first <c>data/fashion-mnist</c> holding them found by walking up from
    /// <see cref="AppContext.BaseDirectory"/> (so a copy next to the executable wins over the repository's).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">Neither was found; the message lists where it looked.</exception>
    public static string FindDirectory() =>
        TryFindDirectory() ?? throw new DirectoryNotFoundException(
            $"Fashion-MNIST not found: expected the four files ({TrainImagesFile}, {TrainLabelsFile}, {TestImagesFile}, {TestLabelsFile}) " +
            $"in {SystemDirectory} (apt-get install dataset-fashion-mnist) or in a {SubsetFolder} folder in or above {AppContext.BaseDirectory}.");

    /// <summary>As <see cref="FindDirectory"/>, but null when no copy is found.</summary>
    public static string? TryFindDirectory() =>
        HasAllFiles(SystemDirectory) ? SystemDirectory : FindSubsetDirectory(AppContext.BaseDirectory);

    /// <summary>
    /// The first <c>data/fashion-mnist</c> folder that holds the four files, looking in
    /// <paramref name="start"/> and then in each parent folder; null if none does.
    /// </summary>
    public static string? FindSubsetDirectory(string start)
    {
        ArgumentNullException.ThrowIfNull(start);
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, SubsetFolder);
            if (HasAllFiles(candidate)) return candidate;
        }
        return null;
    }

    private static bool HasAllFiles(string directory) =>
        File.Exists(Path.Combine(directory, TrainImagesFile)) && File.Exists(Path.Combine(directory, TrainLabelsFile)) &&
        File.Exists(Path.Combine(directory, TestImagesFile)) && File.Exists(Path.Combine(directory, TestLabelsFile));

    private static Dataset LoadPair(string directory, string imagesFile, string labelsFile)
    {
        string imagesPath = Path.Combine(directory, imagesFile), labelsPath = Path.Combine(directory, labelsFile);
        var images = Idx.ReadImages(imagesPath);
        if (images.Rows != ImageSize || images.Columns != ImageSize)
            throw new InvalidDataException(
                $"{imagesFile}: images are {images.Rows}×{images.Columns}; Fashion-MNIST images are {ImageSize}×{ImageSize}.");
        var labels = Idx.ReadLabels(labelsPath);
        if (labels.Length != images.Count)
            throw new InvalidDataException(
                $"{labelsFile} has {labels.Length} labels, but {imagesFile} has {images.Count} images; expected one label per image.");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= ClassCount)
                throw new InvalidDataException($"{labelsFile}: label {i} is {labels[i]}; Fashion-MNIST labels are in [0, {ClassCount - 1}].");
        return Dataset.FromClassification(images.Pixels, labels, FeatureSize);
    }
}
