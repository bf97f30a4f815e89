using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>One subscription's delivery thread: runs <c>loop</c> on a dedicated background thread until disposed,
/// handing events to the handler one at a time. A throwing handler is counted, not fatal. Dispose stops the loop
/// (the loop polls <see cref="Stopping"/> and waits on <see cref="WaitStop"/>) and waits for the thread, unless it
/// is called from the handler itself.</summary>
internal sealed class ProcessEventThread : IDisposable
{
    private readonly Action<ProcessEvent> _handler;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread _thread;
    private readonly Action<ProcessEventThread> _loop;
    private readonly Action? _cleanup;
    private int _disposed;

    public ProcessEventThread(string name, Action<ProcessEvent> handler, Action<ProcessEventThread> loop, Action? cleanup = null)
    {
        _handler = handler;
        _loop = loop;
        _cleanup = cleanup;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    /// <summary>How many handler calls threw.</summary>
    public int HandlerFailures { get; private set; }

    public bool Stopping => _stop.IsSet;

    public void Start() => _thread.Start();

    /// <summary>Waits up to <paramref name="timeout"/>; true when stopping.</summary>
    public bool WaitStop(TimeSpan timeout) => _stop.Wait(timeout);

    public void Deliver(ProcessEvent processEvent)
    {
        if (Stopping)
            return;
        try
        {
            _handler(processEvent);
        }
#pragma warning disable CA1031 // the handler's failure must not end the stream
        catch (Exception)
#pragma warning restore CA1031
        {
            HandlerFailures++;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stop.Set();
        if (_thread.IsAlive && Thread.CurrentThread != _thread)
            _thread.Join();
    }

    private void Run()
    {
        try
        {
            _loop(this);
        }
        finally
        {
            _cleanup?.Invoke();
        }
    }
}
