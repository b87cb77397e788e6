// Readiness probe for the test broker: a real round trip, not an open port.
// Run as a single-file source program: java -cp 'libs/*' KafkaProbe.java BOOTSTRAP SECONDS
// Creates the probe topic if missing, sends one record with an idempotent producer (a new
// producer id), one in a transaction (transaction coordinator), then reads the transactional
// one back with a consumer group and commits (group coordinator).
// Right after a start both coordinators answer "coordinator is loading"; this retries
// until the whole round trip works or the time bound passes (exit 1).
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class KafkaProbe {
  static final String TOPIC = "lienthong-infra-probe";

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.currentTimeMillis() + Long.parseLong(args[1]) * 1000L;
    Exception last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        roundTrip(bootstrap, deadline);
        System.out.println("probe: round trip ok");
        return;
      } catch (Exception e) {
        last = e;
        System.out.println("probe: not ready yet: " + e);
        Thread.sleep(250);
      }
    }
    System.out.println("probe: gave up: " + last);
    System.exit(1);
  }

  static final long T0 = System.currentTimeMillis();

  static void step(String what) {
    System.out.println("probe: +" + (System.currentTimeMillis() - T0) + " ms " + what);
  }

  static void roundTrip(String bootstrap, long deadline) throws Exception {
    step("start");
    int bound = (int) Math.max(1000, Math.min(15000, deadline - System.currentTimeMillis()));
    Properties common = new Properties();
    common.put("bootstrap.servers", bootstrap);
    common.put("request.timeout.ms", String.valueOf(bound));
    common.put("default.api.timeout.ms", String.valueOf(bound));

    try (Admin admin = Admin.create(common)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) throw e;
    }

    step("topic ok");
    String nonce = UUID.randomUUID().toString();

    // An idempotent producer with no transactional id needs a fresh producer id. After a
    // restart the broker must first fetch a new block of ids from the controller and
    // answers "coordinator is loading" until then; the transactional producer below reuses
    // its id (epoch bump) and would not notice.
    Properties i = new Properties();
    i.putAll(common);
    i.put("enable.idempotence", "true");
    i.put("acks", "all");
    i.put("max.block.ms", String.valueOf(bound));
    i.put("delivery.timeout.ms", String.valueOf(Math.max(bound, 2000)));
    i.put("request.timeout.ms", String.valueOf(Math.min(bound, 1500)));
    i.put("key.serializer", StringSerializer.class.getName());
    i.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(i)) {
      producer.send(new ProducerRecord<>(TOPIC, "idempotent", "idempotent-" + nonce)).get();
    }
    step("idempotent send ok");

    Properties p = new Properties();
    p.putAll(common);
    p.put("transactional.id", "lienthong-infra-probe");
    p.put("max.block.ms", String.valueOf(bound));
    p.put("delivery.timeout.ms", String.valueOf(Math.max(bound, 2000)));
    p.put("request.timeout.ms", String.valueOf(Math.min(bound, 1500)));
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, nonce, nonce)).get();
      producer.commitTransaction();
    }
    step("transaction committed");

    Properties c = new Properties();
    c.putAll(common);
    c.put("group.id", "lienthong-infra-probe");
    c.put("auto.offset.reset", "earliest");
    c.put("enable.auto.commit", "false");
    c.put("isolation.level", "read_committed");
    c.put("key.deserializer", StringDeserializer.class.getName());
    c.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(TOPIC));
      step("consumer subscribed");
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (nonce.equals(r.value())) {
            consumer.commitSync(Duration.ofMillis(bound));
            step("record consumed and committed");
            return;
          }
        }
      }
      throw new IllegalStateException("probe record not consumed before the deadline");
    }
  }
}
