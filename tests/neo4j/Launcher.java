// Starts an embedded Neo4j 5.26 Community DBMS with a Bolt connector, for tests.
//
//   java --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
//        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
//        --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -Xmx1g [-Dgraphsvc.pagecache.mb=256] \
//        -cp 'tests/neo4j/deps/*' tests/neo4j/Launcher.java PORT DATADIR
//
// Prints one line "READY" on stdout once the default database is available, then
// blocks until stdin reaches EOF or the JVM gets SIGTERM; either way the DBMS is
// shut down cleanly. (Run it by hand with stdin left on a terminal, not </dev/null,
// or it stops at once.) The jars come from pom.xml; server.py drives all of this.

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

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
        DatabaseManagementService dbms = builder.build();

        AtomicBoolean down = new AtomicBoolean(false);
        Runnable shutdown = () -> {
            if (down.compareAndSet(false, true)) {
                dbms.shutdown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "neo4j-shutdown"));

        if (!dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(120_000)) {
            System.err.println("default database not available after 120 s");
            shutdown.run();
            System.exit(1);
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
}
