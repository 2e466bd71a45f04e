package dev.duplex.stream;

/** Turns reading from the network off and on (the transport's {@code pauseReading} hook). */
public interface ReadControl {

    /** Stops reading after the read in progress; never blocks. */
    void pause();

    /** Reads again; never blocks. */
    void resume();
}
