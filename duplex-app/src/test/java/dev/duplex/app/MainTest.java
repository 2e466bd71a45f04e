package dev.duplex.app;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line: every command has --help, sizes parse, bad input is a usage error. */
class MainTest {

    private static int run(StringWriter out, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "echo", "chat", "client"})
    void everyCommandHasHelp(String command) {
        StringWriter out = new StringWriter();
        int exit = command.isEmpty() ? run(out, "--help") : run(out, command, "--help");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Usage: duplex" + (command.isEmpty() ? "" : " " + command));
    }

    @ParameterizedTest
    @CsvSource({"65536,65536", "64KiB,65536", "64k,65536", "16MiB,16777216", "16 mb,16777216", "1GiB,1073741824"})
    void sizesParse(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "12 parsecs", "9999999999GiB"})
    void badSizesAreRefused(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo --port nope", "echo --deflate maybe", "chat --max-message lots", "client", "frobnicate"})
    void badArgumentsAreUsageErrors(String args) {
        StringWriter out = new StringWriter();
        assertThat(run(out, args.split(" "))).isEqualTo(2);
        assertThat(out.toString()).isNotBlank();
    }

    @org.junit.jupiter.api.Test
    void sizesFormatTheWayTheyParse() {
        assertThat(ByteSize.format(16L << 20)).isEqualTo("16MiB");
        assertThat(ByteSize.format(64L << 10)).isEqualTo("64KiB");
        assertThat(ByteSize.format(1000)).isEqualTo("1000 bytes");
    }
}
