package dev.duplex.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar duplex.jar echo|chat|client …}: the Duplex apps. A stable interface: benchmarks
 * and test harnesses start {@code echo --port N} and {@code client URL --echo}.
 */
@Command(name = "duplex", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "WebSockets for Java: an echo server, a chat room and a terminal client.",
        subcommands = {EchoCommand.class, ChatCommand.class, ClientCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  duplex echo                         page at http://127.0.0.1:8080/",
                "  duplex chat --port 9000             rooms at ws://127.0.0.1:9000/chat[/NAME]",
                "  duplex client ws://127.0.0.1:8080   type lines, Ctrl-D closes",
                "  duplex COMMAND --help               the options of a command"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: echo, chat or client");
    }

    /** The version from the jar's manifest (the build sets it), else "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"duplex " + (v == null ? "development build" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
