using Akka.Dispatch;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>A runnable that runs an action: what the executor tests queue.</summary>
internal sealed class Work(Action action) : IRunnable
{
    /// <summary>How long the executor tests wait for anything (a bound, never a timing assertion).</summary>
    public static TimeSpan Generous { get; } = TimeSpan.FromSeconds(10);

    public void Run() => action();

    public void Execute() => Run();
}
