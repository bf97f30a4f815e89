namespace KeepAlive.Actors.Tracking;

/// <summary>A subscription made on another thread, which may arrive after its owner stopped: whatever arrives after
/// <see cref="Dispose"/> is disposed at once, so nothing outlives the owner. Thread-safe.</summary>
internal sealed class LateSubscription : IDisposable
{
    private readonly object _gate = new();
    private IDisposable? _handle;
    private bool _closed;

    /// <summary>Hands over the subscription; disposed at once when the owner has already gone.</summary>
    public void Set(IDisposable handle)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _handle = handle;
                return;
            }
        }
        handle.Dispose();
    }

    public void Dispose()
    {
        IDisposable? handle;
        lock (_gate)
        {
            _closed = true;
            handle = _handle;
            _handle = null;
        }
        handle?.Dispose();
    }
}
