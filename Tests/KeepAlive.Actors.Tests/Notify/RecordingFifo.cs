using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>A FIFO that keeps every line; <see cref="ThrowOn"/> makes a write throw (a broken port), to crash the actor.</summary>
public sealed class RecordingFifo(string path) : INotifyFifo
{
    private readonly List<string> _lines = [];

    public string Path { get; } = path;

    public Func<string, bool> ThrowOn { get; set; } = _ => false;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    public FifoWriteResult Write(string line)
    {
        if (ThrowOn(line))
            throw new InvalidOperationException($"broken FIFO on {line.TrimEnd()}");
        lock (_lines)
            _lines.Add(line);
        return new FifoWriteResult(FifoWriteOutcome.Written, 0, null);
    }

    public FifoWriteResult Reopen() => new(FifoWriteOutcome.Written, 0, null);

    public void Dispose()
    {
    }
}
