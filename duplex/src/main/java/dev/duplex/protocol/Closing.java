package dev.duplex.protocol;

/**
 * The closing handshake (RFC 6455 7.1) as one state machine: who closed, and what is still owed.
 * A close or violation that is held until the events before it are polled has not been taken
 * yet: the state moves when it is.
 */
public enum Closing {
    /** Neither side has closed: both still owe a close frame. */
    OPEN(State.OPEN, false),
    /** Our close frame is out (7.1.2); the peer's is owed, and the close timer runs. */
    CLOSED_BY_US(State.CLOSING, true),
    /** Both close frames crossed: the handshake is complete and clean. A client waits for the server to close TCP (7.1.1). */
    ACKNOWLEDGED(State.CLOSED, true),
    /** Failed (7.1.7) with our close frame out: a client still waits for the server's TCP close. */
    FAILED(State.CLOSED, true),
    /** Ended without our close frame: a failure that sends none (1006), the peer's EOF, or a release. */
    TERMINATED(State.CLOSED, false);

    final State state;
    /** Whether our close frame went out (nothing may be sent after it). */
    final boolean closeSent;

    Closing(State state, boolean closeSent) {
        this.state = state;
        this.closeSent = closeSent;
    }

    /** The ready state this stands for: OPEN, CLOSING (our close out, the peer's owed) or CLOSED. */
    public State state() {
        return state;
    }

    /** Whether our close frame went out: nothing more may be sent. */
    public boolean closeSent() {
        return closeSent;
    }

    /** Whether the peer's frames are still read (after its close, or once closed, they are discarded). */
    boolean readsInput() {
        return this == OPEN || this == CLOSED_BY_US;
    }
}
