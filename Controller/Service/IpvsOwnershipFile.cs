using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Lvs;

namespace KeepAlive.Controller.Service;

/// <summary>
/// The record of the IPVS services this daemon owns, kept beside the pid file (<c>/run/keepalived.ipvs</c> for
/// <c>/run/keepalived.pid</c>) in <see cref="IpvsOwnershipRecord"/> form: read at start into the effector's memory, so
/// that services a previous run created and the configuration no longer has are removed (services nobody recorded
/// are never touched); rewritten (to a temporary file, then renamed) whenever the owned set changes. A missing or
/// damaged file only means less is removed; a write that fails is reported and the run goes on.
/// </summary>
public static class IpvsOwnershipFile
{
    public static string PathFor(string pidFile) => Path.ChangeExtension(pidFile, ".ipvs");

    /// <summary>An effector memory preloaded from <paramref name="path"/>, recording every change back to it.</summary>
    public static EffectorMemory Memory(string path, Action<string> problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var memory = new EffectorMemory();
        try
        {
            if (File.Exists(path))
            {
                var (owned, errors) = IpvsOwnershipRecord.Parse(File.ReadAllText(path));
                memory.OwnedIpvs.UnionWith(owned);
                foreach (var error in errors)
                    problem($"{path}: {error}; skipped");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem($"cannot read {path}: {e.Message}; stale IPVS services of a previous run will not be removed");
        }
        memory.OwnedIpvsChanged = owned => Write(path, owned, problem);
        return memory;
    }

    private static void Write(string path, IReadOnlyCollection<IpvsServiceKey> owned, Action<string> problem)
    {
        try
        {
            var temporary = path + ".new";
            File.WriteAllText(temporary, IpvsOwnershipRecord.Format(owned));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem($"cannot record the owned IPVS services in {path}: {e.Message}");
        }
    }
}
