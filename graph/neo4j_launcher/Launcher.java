import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * The project's local test engine: Neo4j 5.26 community, embedded, with one Bolt listener on loopback.
 *
 * Usage: java [JVM flags] -cp classes:lib/* Launcher HOME_DIR PORT [PAGE_CACHE_MB [NAME=VALUE ...]]
 *
 * NAME=VALUE arguments are further Neo4j settings (e.g. db.memory.transaction.max=8m for a test
 * engine with a small transaction-memory limit); Neo4j validates them at start.
 *
 * Auth and encryption are off: this engine is for development and tests on 127.0.0.1 only.
 * Prints "READY bolt://127.0.0.1:PORT" once the DBMS is up; shuts down cleanly on SIGTERM / SIGINT.
 * Started and stopped by graph/local_neo4j.py (`kg neo4j start|stop|status`).
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launcher HOME_DIR PORT [PAGE_CACHE_MB [NAME=VALUE ...]]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long pageCacheMb = args.length > 2 ? Long.parseLong(args[2]) : 256;
        List<String> extra = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            if (args[i].indexOf('=') <= 0 || args[i].contains("\n")) {
                System.err.println("not a NAME=VALUE setting: " + args[i]);
                System.exit(2);
            }
            extra.add(args[i]);
        }
        Files.createDirectories(home);
        // The extra settings go through a properties file: the only raw-settings door of the public builder.
        Path extraConf = home.resolve("launcher-extra.conf");
        Files.write(extraConf, extra);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(extraConf)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                // A test engine: keep little transaction log on disk, and don't preallocate 256 MB per database.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(32))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                // Bolt waits 5 s per pool on shutdown by default; a local engine can stop faster.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("STOPPING");
            dbms.shutdown();
            stopped.countDown();
            System.out.println("STOPPED");
        }, "local-neo4j-shutdown"));

        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME); // fails fast if the default database did not start
        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
