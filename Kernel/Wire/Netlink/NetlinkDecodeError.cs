namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>Why bytes from the kernel (or anyone else) were not accepted. Decoders return this instead of throwing.</summary>
public enum NetlinkDecodeError
{
    /// <summary>Decoded.</summary>
    None = 0,

    /// <summary>Fewer bytes than a header needs.</summary>
    Truncated,

    /// <summary>nlmsg_len smaller than the header or larger than the datagram.</summary>
    BadMessageLength,

    /// <summary>nla_len smaller than the attribute header or past the end of its container.</summary>
    BadAttributeLength,

    /// <summary>The message is not of the type the parser expects (nlmsg_type or genl command).</summary>
    UnexpectedType,

    /// <summary>An attribute value has the wrong size for its type.</summary>
    WrongAttributeLength,

    /// <summary>A required attribute is absent.</summary>
    MissingAttribute,

    /// <summary>A value is out of the range the protocol defines.</summary>
    InvalidValue,
}
