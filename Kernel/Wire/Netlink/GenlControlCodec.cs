namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>A generic netlink family as the controller reports it. The id is assigned at module load: resolve it,
/// never hard-code it.</summary>
public sealed record GenericNetlinkFamily(ushort Id, string Name, uint Version, uint MaxAttribute);

/// <summary>The generic netlink controller (GENL_ID_CTRL): CTRL_CMD_GETFAMILY by name and its CTRL_CMD_NEWFAMILY reply.</summary>
public static class GenlControlCodec
{
    /// <summary>CTRL_CMD_GETFAMILY (version 1) to GENL_ID_CTRL with NLM_F_REQUEST|ACK and CTRL_ATTR_FAMILY_NAME.</summary>
    public static void WriteGetFamily(ref NetlinkWriter writer, string familyName, uint sequence)
    {
        writer.BeginMessage(NetlinkConstants.GenlControlId, NetlinkConstants.FlagRequest | NetlinkConstants.FlagAck, sequence, 0);
        writer.WriteGenlHeader(NetlinkConstants.CtrlCmdGetFamily, NetlinkConstants.CtrlVersion);
        writer.WriteString(NetlinkConstants.CtrlAttrFamilyName, familyName);
        writer.EndMessage();
    }

    /// <summary>Decodes a CTRL_CMD_NEWFAMILY reply: FAMILY_ID (u16) and FAMILY_NAME are required, VERSION and MAXATTR
    /// optional (0 when absent); ops and multicast groups are skipped.</summary>
    public static NetlinkDecodeError TryParseFamily(NetlinkMessage message, out GenericNetlinkFamily? family)
    {
        family = null;
        if (message.Type != NetlinkConstants.GenlControlId)
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        var error = message.TryGetGenl(out var genl, out var attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        if (genl.Command != NetlinkConstants.CtrlCmdNewFamily)
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        ushort? id = null;
        string? name = null;
        uint version = 0, maxAttribute = 0;
        while (attributes.TryRead(out var a))
        {
            var ok = true;
            switch (a.Type)
            {
                case NetlinkConstants.CtrlAttrFamilyId:
                    ok = a.TryGetU16(out var value);
                    id = value;
                    break;
                case NetlinkConstants.CtrlAttrFamilyName:
                    ok = RtnlFamily.TryString(a, out name) == NetlinkDecodeError.None;
                    break;
                case NetlinkConstants.CtrlAttrVersion:
                    ok = a.TryGetU32(out version);
                    break;
                case NetlinkConstants.CtrlAttrMaxAttr:
                    ok = a.TryGetU32(out maxAttribute);
                    break;
            }

            if (!ok)
            {
                return NetlinkDecodeError.WrongAttributeLength;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        if (id is not { } familyId || name is null)
        {
            return NetlinkDecodeError.MissingAttribute;
        }

        if (familyId < NetlinkConstants.MinimumType)
        {
            return NetlinkDecodeError.InvalidValue;
        }

        family = new GenericNetlinkFamily(familyId, name, version, maxAttribute);
        return NetlinkDecodeError.None;
    }
}
