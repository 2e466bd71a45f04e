package dev.duplex;

import java.util.Objects;

/**
 * A close code and reason, as the browser's {@code WebSocketCloseInfo} dictionary: what
 * {@link WebSocketStream#close(WebSocketCloseInfo)} sends and what {@link WebSocketStream#closed()}
 * reports. The record accepts any code, since {@code closed()} carries the peer's (1001, 1011, …);
 * {@code close} is where the WHATWG rules apply.
 *
 * @param closeCode the close code (1005 when the close frame had none)
 * @param reason    the close reason, never null ("" for none)
 */
public record WebSocketCloseInfo(int closeCode, String reason) {

    public WebSocketCloseInfo {
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code closeCode} with no reason. */
    public WebSocketCloseInfo(int closeCode) {
        this(closeCode, "");
    }
}
