using System.Net;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>RTM_NEWRULE/RTM_DELRULE requests and their decoding (fib_rule_hdr + FRA_*).</summary>
public static class RtnlRuleCodec
{
    /// <summary>RTM_NEWRULE with NLM_F_REQUEST|ACK|CREATE|EXCL: fib_rule_hdr {family, dst_len, src_len, 0, table (0
    /// when it does not fit a byte), 0, 0, FR_ACT_TO_TBL, 0}, then FRA_TABLE, and FRA_PRIORITY, FRA_SRC, FRA_DST,
    /// FRA_FWMARK, FRA_FWMASK, FRA_IIFNAME, FRA_OIFNAME when set.</summary>
    public static void WriteAdd(ref NetlinkWriter writer, RuleInfo rule, uint sequence) =>
        Write(ref writer, RtnlConstants.NewRule, RtnlFlags.Create, rule, sequence);

    /// <summary>RTM_DELRULE with NLM_F_REQUEST|ACK and the same body as <see cref="WriteAdd"/>.</summary>
    public static void WriteDelete(ref NetlinkWriter writer, RuleInfo rule, uint sequence) =>
        Write(ref writer, RtnlConstants.DelRule, RtnlFlags.Do, rule, sequence);

    /// <summary>Decodes an RTM_NEWRULE/RTM_DELRULE message; <paramref name="removed"/> is true for RTM_DELRULE.</summary>
    public static NetlinkDecodeError TryParse(NetlinkMessage message, out RuleInfo? rule, out bool removed)
    {
        rule = null;
        removed = message.Type == RtnlConstants.DelRule;
        if (message.Type is not (RtnlConstants.NewRule or RtnlConstants.DelRule))
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        var error = message.TrySplit(RtnlConstants.FibRuleHdrLength, out var header, out var attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        var family = header[0];
        var max = RtnlFamily.MaxPrefix(family);
        if (!RtnlFamily.TryFromByte(family, out var addressFamily) || header[1] > max || header[2] > max)
        {
            return NetlinkDecodeError.InvalidValue;
        }

        IPAddress? source = null, destination = null;
        uint? priority = null, mark = null, mask = null;
        string? iif = null, oif = null;
        uint table = header[4];
        while (attributes.TryRead(out var a))
        {
            uint v = 0;
            switch (a.Type)
            {
                case RtnlConstants.FraSrc:
                    error = RtnlFamily.TryAddress(a, family, out source);
                    break;
                case RtnlConstants.FraDst:
                    error = RtnlFamily.TryAddress(a, family, out destination);
                    break;
                case RtnlConstants.FraIifName:
                    error = RtnlFamily.TryString(a, out iif);
                    break;
                case RtnlConstants.FraOifName:
                    error = RtnlFamily.TryString(a, out oif);
                    break;
                case RtnlConstants.FraTable:
                    error = a.TryGetU32(out table) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    break;
                case RtnlConstants.FraPriority:
                    error = a.TryGetU32(out v) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    priority = v;
                    break;
                case RtnlConstants.FraFwMark:
                    error = a.TryGetU32(out v) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    mark = v;
                    break;
                case RtnlConstants.FraFwMask:
                    error = a.TryGetU32(out v) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    mask = v;
                    break;
            }

            if (error != NetlinkDecodeError.None)
            {
                return error;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        rule = new RuleInfo(addressFamily, table)
        {
            Source = source,
            SourcePrefixLength = header[2],
            Destination = destination,
            DestinationPrefixLength = header[1],
            Priority = priority,
            FirewallMark = mark,
            FirewallMask = mask,
            InputInterface = iif,
            OutputInterface = oif,
        };
        return NetlinkDecodeError.None;
    }

    private static void Write(ref NetlinkWriter writer, ushort type, ushort flags, RuleInfo rule, uint sequence)
    {
        Span<byte> header = stackalloc byte[RtnlConstants.FibRuleHdrLength];
        header.Clear();
        header[0] = RtnlFamily.ToByte(rule.Family);
        header[1] = rule.Destination is null ? (byte)0 : rule.DestinationPrefixLength;
        header[2] = rule.Source is null ? (byte)0 : rule.SourcePrefixLength;
        header[4] = rule.Table <= byte.MaxValue ? (byte)rule.Table : RtnlConstants.RtTableUnspec;
        header[7] = RtnlConstants.FrActToTbl;

        writer.BeginMessage(type, flags, sequence, 0);
        writer.WriteRaw(header);
        writer.WriteU32(RtnlConstants.FraTable, rule.Table);
        if (rule.Priority is { } priority)
        {
            writer.WriteU32(RtnlConstants.FraPriority, priority);
        }

        if (rule.Source is { } source)
        {
            writer.WriteAddress(RtnlConstants.FraSrc, source);
        }

        if (rule.Destination is { } destination)
        {
            writer.WriteAddress(RtnlConstants.FraDst, destination);
        }

        if (rule.FirewallMark is { } mark)
        {
            writer.WriteU32(RtnlConstants.FraFwMark, mark);
        }

        if (rule.FirewallMask is { } mask)
        {
            writer.WriteU32(RtnlConstants.FraFwMask, mask);
        }

        if (rule.InputInterface is { } iif)
        {
            writer.WriteString(RtnlConstants.FraIifName, iif);
        }

        if (rule.OutputInterface is { } oif)
        {
            writer.WriteString(RtnlConstants.FraOifName, oif);
        }

        writer.EndMessage();
    }
}
