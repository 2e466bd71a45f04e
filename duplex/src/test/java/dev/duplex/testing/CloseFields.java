package dev.duplex.testing;

import dev.duplex.CloseEvent;

/** A close event's three standard fields as a value, so a test can compare them in one assertion. */
public record CloseFields(int code, String reason, boolean wasClean) {

    public static CloseFields of(CloseEvent e) {
        return e == null ? null : new CloseFields(e.code(), e.reason(), e.wasClean());
    }
}
