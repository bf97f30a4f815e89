namespace KeepAlive.Actors.Tracking;

/// <summary>A tracker's current effect on an instance (sent on every change, and once at start).</summary>
public sealed record TrackerReport(string Tracker, TrackerEffect Effect);
