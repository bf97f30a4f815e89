using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>
/// Gratuitous ARPs / NAs waiting while address work queued before them is done. When a sync group takes over, its
/// members' acquisitions and announcements reach the effector interleaved (acquire A, announce A, acquire B, ...);
/// sending each member's 5 × its VIPs frames before the next member's addresses are added put the 50th VIP of a
/// 50-member group ~15 ms after the takeover (lab, session 5). Held here, the frames leave once the queued
/// acquisitions are done, round by round — the first frame of every announcement, then the second, ... — so every
/// VIP is announced once before any is announced again (keepalived announces member by member, in one thread).
/// Pure: sending goes through the function the caller passes.
/// </summary>
/// <typeparam name="TReplyTo">Whom each announcement's result goes to.</typeparam>
public sealed class PendingFrames<TReplyTo>
{
    private readonly List<(SendFrames Op, TReplyTo ReplyTo)> _ops = [];

    public bool IsEmpty => _ops.Count == 0;

    /// <summary>Frames waiting, over every announcement.</summary>
    public int Count => _ops.Sum(o => o.Op.Frames.Count);

    public void Add(SendFrames op, TReplyTo replyTo) => _ops.Add((op, replyTo));

    /// <summary>Forgets everything waiting (the effector restarted: the announcements are dropped, as a failed send
    /// would be; masters announce again on their own schedule).</summary>
    public void Clear() => _ops.Clear();

    /// <summary>Sends every waiting frame, round by round, and returns each announcement with the first failure among
    /// its frames (or success), in the order they arrived. Empties the queue first, so a <paramref name="send"/> that
    /// throws loses the frames rather than sending them twice.</summary>
    public IReadOnlyList<(SendFrames Op, TReplyTo ReplyTo, KernelResult Result)> Flush(Func<string, byte[], KernelResult> send)
    {
        var ops = _ops.ToArray();
        _ops.Clear();
        var results = new KernelResult[ops.Length];
        Array.Fill(results, KernelResult.Ok);
        int rounds = ops.Length == 0 ? 0 : ops.Max(o => o.Op.Frames.Count);
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < ops.Length; i++)
            {
                var op = ops[i].Op;
                if (round >= op.Frames.Count)
                    continue;
                var r = send(op.Interface, op.Frames[round]);
                if (!r.IsOk && results[i].IsOk)
                    results[i] = r;
            }
        }
        var answers = new (SendFrames, TReplyTo, KernelResult)[ops.Length];
        for (int i = 0; i < ops.Length; i++)
            answers[i] = (ops[i].Op, ops[i].ReplyTo, results[i]);
        return answers;
    }
}
