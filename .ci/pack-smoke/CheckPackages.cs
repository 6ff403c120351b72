// Checks what `dotnet pack` made, package by package, for .ci/pack-smoke.sh, which builds it in a temporary console
// project and runs it as: CheckPackages FEED VERSION COMMIT ID...
// Every failure is printed; the exit code is the number of failures (0: all packages are fit to publish).
//
// Per package ID: ID.VERSION.nupkg and ID.VERSION.snupkg exist; the nuspec has the id, version, a description, the MIT
// licence expression, tags, a project URL, a README that is in the package, a git repository on github.com at COMMIT,
// and MixAug dependencies at VERSION; lib/net10.0 holds ID.dll and its XML docs; the DLL was compiled deterministically
// with source paths mapped to /_/ (ContinuousIntegrationBuild); the snupkg holds the DLL's own portable PDB, whose
// SourceLink maps /_/ to the repository's raw files at COMMIT.
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: CheckPackages FEED VERSION COMMIT ID...");
    return 64;
}

string feed = args[0], version = args[1], commit = args[2];
var failures = new List<string>();
foreach (string id in args[3..])
{
    int before = failures.Count;
    Check(id, (string what) => failures.Add($"{id}: {what}"));
    Console.WriteLine($"{(failures.Count == before ? "ok  " : "FAIL")} {id} {version}");
}

foreach (string failure in failures)
{
    Console.Error.WriteLine($"package check failed: {failure}");
}

return failures.Count;

void Check(string id, Action<string> fail)
{
    string nupkg = Path.Combine(feed, $"{id}.{version}.nupkg");
    string snupkg = Path.Combine(feed, $"{id}.{version}.snupkg");
    if (!File.Exists(nupkg) || !File.Exists(snupkg))
    {
        fail($"{Path.GetFileName(nupkg)} or {Path.GetFileName(snupkg)} is missing from {feed}");
        return;
    }

    using ZipArchive package = ZipFile.OpenRead(nupkg);
    using ZipArchive symbols = ZipFile.OpenRead(snupkg);
    XElement metadata = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open()).Root!.Elements().First(e => e.Name.LocalName == "metadata");
    string? Meta(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim();
    XElement? MetaElement(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    Expect(Meta("id") == id, $"nuspec id is '{Meta("id")}'");
    Expect(Meta("version") == version, $"nuspec version is '{Meta("version")}'");
    Expect(!string.IsNullOrEmpty(Meta("description")), "no description");
    Expect(!string.IsNullOrEmpty(Meta("tags")) && Meta("tags")!.Split(' ').Contains("mixup"), $"tags '{Meta("tags")}' lack 'mixup'");
    XElement? license = MetaElement("license");
    Expect(license?.Attribute("type")?.Value == "expression" && license.Value == "MIT", $"licence is '{license}', not the expression MIT");
    string? readme = Meta("readme");
    Expect(readme is not null && package.GetEntry(readme) is { Length: > 0 }, $"readme '{readme}' is not in the package");

    XElement? repository = MetaElement("repository");
    string repositoryUrl = repository?.Attribute("url")?.Value ?? string.Empty;
    Expect(repository?.Attribute("type")?.Value == "git" && repositoryUrl.StartsWith("https://github.com/", StringComparison.Ordinal), $"repository is '{repository}'");
    Expect(repository?.Attribute("commit")?.Value == commit, $"repository commit is '{repository?.Attribute("commit")?.Value}', not {commit}");
    Expect(!string.IsNullOrEmpty(Meta("projectUrl")), "no project URL");
    foreach (XElement dependency in metadata.Descendants().Where(e => e.Name.LocalName == "dependency"))
    {
        string dependencyId = dependency.Attribute("id")!.Value;
        Expect(!dependencyId.StartsWith("MixAug", StringComparison.Ordinal) || dependency.Attribute("version")?.Value == version, $"depends on {dependencyId} {dependency.Attribute("version")?.Value}, not {version}");
    }

    ZipArchiveEntry? dll = package.GetEntry($"lib/net10.0/{id}.dll");
    Expect(package.GetEntry($"lib/net10.0/{id}.xml") is { Length: > 0 }, $"lib/net10.0/{id}.xml (XML docs) is missing");
    ZipArchiveEntry? pdb = symbols.GetEntry($"lib/net10.0/{id}.pdb");
    if (dll is null || pdb is null)
    {
        fail($"lib/net10.0/{id}.dll in the nupkg or lib/net10.0/{id}.pdb in the snupkg is missing");
        return;
    }

    using var peReader = new PEReader(new MemoryStream(ReadAll(dll)));
    var debugEntries = peReader.ReadDebugDirectory();
    Expect(debugEntries.Any(e => e.Type == DebugDirectoryEntryType.Reproducible), "the DLL was not compiled deterministically (no Reproducible debug entry)");
    DebugDirectoryEntry codeView = debugEntries.First(e => e.Type == DebugDirectoryEntryType.CodeView);
    CodeViewDebugDirectoryData pdbReference = peReader.ReadCodeViewDebugDirectoryData(codeView);
    Expect(pdbReference.Path.StartsWith("/_/", StringComparison.Ordinal), $"the DLL names its PDB by the build machine's path '{pdbReference.Path}' (build with ContinuousIntegrationBuild=true)");

    using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(ReadAll(pdb)));
    MetadataReader pdbReader = pdbProvider.GetMetadataReader();
    Expect(new BlobContentId(pdbReader.DebugMetadataHeader!.Id).Guid == pdbReference.Guid, "the snupkg's PDB is not the one the DLL was built with");
    string[] documents = pdbReader.Documents.Select(d => pdbReader.GetString(pdbReader.GetDocument(d).Name)).ToArray();
    string? local = documents.FirstOrDefault(d => !d.StartsWith("/_/", StringComparison.Ordinal));
    Expect(local is null, $"the PDB names the source file '{local}' by the build machine's path");

    var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    string? sourceLink = pdbReader.CustomDebugInformation
        .Select(h => pdbReader.GetCustomDebugInformation(h))
        .Where(c => pdbReader.GetGuid(c.Kind) == sourceLinkKind)
        .Select(c => Encoding.UTF8.GetString(pdbReader.GetBlobBytes(c.Value)))
        .FirstOrDefault();
    string rawFiles = repositoryUrl.Replace("https://github.com/", "https://raw.githubusercontent.com/", StringComparison.Ordinal) + $"/{commit}/*";
    Expect(sourceLink is not null && sourceLink.Contains($"\"/_/*\":\"{rawFiles}\"", StringComparison.Ordinal), $"SourceLink is '{sourceLink}', not /_/* -> {rawFiles}");

    void Expect(bool ok, string what)
    {
        if (!ok)
        {
            fail(what);
        }
    }
}

static byte[] ReadAll(ZipArchiveEntry entry)
{
    using Stream stream = entry.Open();
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    return copy.ToArray();
}
