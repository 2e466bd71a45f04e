package dev.duplex.protocol;

/** Which end of the connection this side is. RFC 6455 5.1: clients mask, servers do not. */
public enum Role {
    CLIENT,
    SERVER;

    /** The role of the other end. */
    public Role peer() {
        return this == CLIENT ? SERVER : CLIENT;
    }
}
