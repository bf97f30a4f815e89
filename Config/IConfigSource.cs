namespace KeepAlive.Config;

/// <summary>Why a configuration file could not be read.</summary>
public enum ConfigFileError
{
    None,
    NotFound,
    IsDirectory,
    NotRegularFile,
    Unreadable,
}

/// <summary>
/// The file-access seam of the config pipeline: everything the pipeline reads goes through here, so tests run it in
/// memory and the pipeline itself does no I/O.
/// </summary>
public interface IConfigSource
{
    /// <summary>Reads a whole file as text. Paths are absolute.</summary>
    ConfigFileError TryRead(string path, out string text);

    /// <summary>Expands an absolute glob pattern (<c>*</c>, <c>?</c>, <c>[...]</c>, csh braces) to the existing paths it
    /// matches, sorted as glob(3) sorts them. A pattern without wildcards returns itself when the file exists.</summary>
    IReadOnlyList<string> Glob(string pattern);
}
