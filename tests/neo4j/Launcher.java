// Starts an embedded Neo4j 5.26 Community DBMS with a Bolt connector, for tests.
//
//   java --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
//        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
//        --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -Xmx1g [-Dgraphsvc.pagecache.mb=256] \
//        -cp 'tests/neo4j/deps/*' tests/neo4j/Launcher.java PORT DATADIR
//
// Prints one line "READY" on stdout once the default database is available, then
// blocks until stdin reaches EOF or the JVM gets SIGTERM; either way the DBMS is
// shut down cleanly.
//
// With -Dgraphsvc.control.port=N it also listens on 127.0.0.1:N for one-line requests
// "load DIR": an offline initial load, as an operator does it by hand (stop the DBMS,
// `neo4j-admin database import full @import.args` run in DIR, start the DBMS again on the
// same port). DIR holds the files `graphsvc initial-load` writes; the answer is one line,
// "ok" or "error: ...". control.py sends such a request. (Run it by hand with stdin left on a terminal, not </dev/null,
// or it stops at once.) The jars come from pom.xml; server.py drives all of this.

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher PORT DATADIR");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath();

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Small footprint: 2-core / 24 GiB box, several JVMs may coexist.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(Long.getLong("graphsvc.pagecache.mb", 256)))
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "keep_none")
                // Resample an index's statistics after 50% of it changed, not 5%: a large
                // import grows every index from empty, and each 5% of growth had Neo4j scan the
                // whole index again (8% of its CPU samples while importing). Measured on the
                // first 1.04 million large-la assertions: 7-9% less Neo4j CPU per assertion,
                // 6-9% more assertions a second. docker-compose.yml sets the same.
                .setConfig(GraphDatabaseSettings.index_sampling_update_percentage, 50)
                // Bolt's netty groups otherwise wait a 5 s quiet period each on shutdown
                // (~10 s per stop); 0 makes stop() take well under a second.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        // Any further neo4j.conf settings (server.py writes GRAPHSVC_TEST_NEO4J_CONFIG there), so
        // a run can try one without editing this file.
        String conf = System.getProperty("graphsvc.neo4j.conf");
        if (conf != null) {
            builder.loadPropertiesFromFile(Path.of(conf));
        }
        AtomicReference<DatabaseManagementService> dbms = new AtomicReference<>(builder.build());

        AtomicBoolean down = new AtomicBoolean(false);
        Runnable shutdown = () -> {
            synchronized (dbms) {
                if (down.compareAndSet(false, true)) {
                    dbms.get().shutdown();
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "neo4j-shutdown"));

        if (!available(dbms.get())) {
            System.err.println("default database not available after 120 s");
            shutdown.run();
            System.exit(1);
        }
        Integer control = Integer.getInteger("graphsvc.control.port");
        if (control != null) {
            ServerSocket listener = new ServerSocket(control, 4, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> serve(listener, builder, dbms, down, home), "graphsvc-control");
            thread.setDaemon(true);
            thread.start();
        }
        System.out.println("READY");
        System.out.flush();

        // Block until stdin closes (parent gone or stop requested).
        while (System.in.read() != -1) {
            // ignore input
        }
        shutdown.run();
        System.exit(0);
    }

    static boolean available(DatabaseManagementService dbms) {
        return dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(120_000);
    }

    static void serve(ServerSocket listener, DatabaseManagementServiceBuilder builder,
                      AtomicReference<DatabaseManagementService> dbms, AtomicBoolean down, Path home) {
        while (true) {
            try (Socket socket = listener.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8)) {
                String line = in.readLine();
                if (line == null || !line.startsWith("load ")) {
                    out.println("error: expected \"load DIR\"");
                    continue;
                }
                out.println(load(Path.of(line.substring(5).trim()), builder, dbms, down, home));
            } catch (Exception e) {
                System.err.println("control: " + e);
            }
        }
    }

    // Stop the DBMS, run the import tool in a JVM of its own (its working directory is DIR, where
    // import.args names the CSV files), start the DBMS again whatever the import's outcome.
    static String load(Path dir, DatabaseManagementServiceBuilder builder,
                       AtomicReference<DatabaseManagementService> dbms, AtomicBoolean down, Path home) throws Exception {
        synchronized (dbms) {
            if (down.get()) {
                return "error: the server is stopping";
            }
            if (!Files.isRegularFile(dir.resolve("import.args"))) {
                return "error: no import.args in " + dir;
            }
            dbms.get().shutdown();
            int exit;
            try {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                    if (arg.startsWith("--add-opens") || arg.startsWith("--enable-native-access") || arg.startsWith("-Xmx") || arg.startsWith("-XX:")) {
                        cmd.add(arg);
                    }
                }
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add("org.neo4j.cli.AdminTool");
                for (String arg : new String[] {"database", "import", "full", "--overwrite-destination=true", "@import.args", "neo4j"}) {
                    cmd.add(arg);
                }
                Path conf = home.resolve("conf");
                Files.createDirectories(conf);
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("import.log").toFile());
                pb.environment().put("NEO4J_HOME", home.toString());
                pb.environment().put("NEO4J_CONF", conf.toString());
                exit = pb.start().waitFor();
            } finally {
                dbms.set(builder.build());
            }
            if (!available(dbms.get())) {
                return "error: the database did not come back within 120 s";
            }
            return exit == 0 ? "ok" : "error: the import tool exited with " + exit + " (" + dir.resolve("import.log") + ")";
        }
    }
}
