package dev.duplex.protocol;

/**
 * The peer broke the protocol or a limit. Thrown inside the core only: {@link Connection} catches it in
 * one place, sends the close frame with {@link #closeCode()} and reports it as the cause of
 * {@link ProtocolEvent.Closed}.
 */
public final class ProtocolException extends Exception {

    private final Violation violation;

    public ProtocolException(Violation violation) {
        super(violation.message(), null, false, false);
        this.violation = violation;
    }

    public Violation violation() {
        return violation;
    }

    public CloseCode closeCode() {
        return violation.closeCode();
    }
}
