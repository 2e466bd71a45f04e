package dev.duplex.protocol;

/**
 * A WebSocket close status code (RFC 6455 7.4). A value, not an {@code int} and not an enum: this is
 * the only place where the rules about which codes may be sent and received live.
 */
public record CloseCode(int code) {

    public static final CloseCode NORMAL_CLOSURE = new CloseCode(1000);
    public static final CloseCode GOING_AWAY = new CloseCode(1001);
    public static final CloseCode PROTOCOL_ERROR = new CloseCode(1002);
    public static final CloseCode UNSUPPORTED_DATA = new CloseCode(1003);
    /** Reserved: never on the wire; reported when a close frame carried no code. */
    public static final CloseCode NO_STATUS_RECEIVED = new CloseCode(1005);
    /** Reserved: never on the wire; reported when the connection ended without a closing handshake. */
    public static final CloseCode ABNORMAL_CLOSURE = new CloseCode(1006);
    public static final CloseCode INVALID_PAYLOAD = new CloseCode(1007);
    public static final CloseCode POLICY_VIOLATION = new CloseCode(1008);
    public static final CloseCode MESSAGE_TOO_BIG = new CloseCode(1009);
    public static final CloseCode MANDATORY_EXTENSION = new CloseCode(1010);
    public static final CloseCode INTERNAL_ERROR = new CloseCode(1011);
    public static final CloseCode SERVICE_RESTART = new CloseCode(1012);
    public static final CloseCode TRY_AGAIN_LATER = new CloseCode(1013);
    public static final CloseCode BAD_GATEWAY = new CloseCode(1014);
    /** Reserved: never on the wire; reported when the TLS handshake failed. */
    public static final CloseCode TLS_HANDSHAKE = new CloseCode(1015);

    public CloseCode {
        if (code < 0 || code > 65535) {
            throw new IllegalArgumentException("close code out of range: " + code);
        }
    }

    public static CloseCode of(int code) {
        return switch (code) {
            case 1000 -> NORMAL_CLOSURE;
            case 1001 -> GOING_AWAY;
            case 1002 -> PROTOCOL_ERROR;
            case 1005 -> NO_STATUS_RECEIVED;
            case 1006 -> ABNORMAL_CLOSURE;
            case 1009 -> MESSAGE_TOO_BIG;
            default -> new CloseCode(code);
        };
    }

    /**
     * Whether a peer may put this code in a close frame (RFC 6455 7.4.1 and the IANA registry):
     * 1000–1003, 1007–1014 and 3000–4999. 1004, 1005, 1006 and 1015 are reserved and never on the wire.
     */
    public boolean isValidOnWire() {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }

    /** Whether this side may send this code; the same set as {@link #isValidOnWire()}. */
    public boolean isSendable() {
        return isValidOnWire();
    }

    /** Most UTF-8 bytes of a close reason: a control frame's 125 less the 2-byte code (RFC 6455 5.5.1). */
    public static final int MAX_REASON_BYTES = 123;

    /**
     * Checks what a close frame may carry (RFC 6455 5.5.1, 7.4): no code and no reason, or a sendable
     * code and a reason of at most 123 bytes as UTF-8 ({@link Utf8#encodedLength}: a lone surrogate
     * counts as the 3 bytes of U+FFFD). The one home of this rule for every layer.
     *
     * @param code   the code, or null for a close frame without a body
     * @param reason the reason, null or empty for none
     * @throws IllegalArgumentException when the pair may not be sent
     */
    public static void checkSendable(CloseCode code, String reason) {
        boolean hasReason = reason != null && !reason.isEmpty();
        if (code == null) {
            if (hasReason) {
                throw new IllegalArgumentException("a close reason needs a close code");
            }
            return;
        }
        if (!code.isSendable()) {
            throw new IllegalArgumentException("close code may not be sent: " + code);
        }
        if (hasReason && Utf8.encodedLength(reason) > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason longer than 123 UTF-8 bytes");
        }
    }

    @Override
    public String toString() {
        return Integer.toString(code);
    }
}
