package dev.switchboard.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.OverrideSource;
import dev.switchboard.config.Role;
import dev.switchboard.config.SwitchboardConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks Kubernetes manifests as the API server and the kubelet would, without either: every document is read into
 * the Kubernetes API object of its kind (fabric8's model, generated from Kubernetes' OpenAPI schema), so an unknown
 * field or a value of the wrong type is a problem; then the few required fields that model does not enforce, and what
 * ties the objects to each other and to the jar (selectors, named ports, {@code $(VAR)} references, the command line,
 * the configuration the environment gives, probe and shutdown timings).
 */
final class KubernetesManifestCheck {

  /** What a pod's IP is taken to be when the configuration is loaded. */
  static final String POD_IP = "10.244.1.7";
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "v1/Service", Service.class, "apps/v1/Deployment", Deployment.class, "v1/Secret", Secret.class);
  private static final Pattern PORT_NAME = Pattern.compile("(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");
  private static final Pattern VAR_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final ObjectMapper MAPPER = JsonMapper.builder().disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build();
  /** Seconds a JVM may take to start before it begins to join; allowed on top of cluster.joinTimeout. */
  private static final long JVM_START_SECONDS = 15;

  private final List<String> jvmOptionsForCluster;
  private final List<String> problems = new ArrayList<>();
  private final List<Service> services = new ArrayList<>();
  private final List<Deployment> deployments = new ArrayList<>();

  /** @param jvmOptionsForCluster options every clustered container's JVM must get (Hazelcast's --add-opens) */
  KubernetesManifestCheck(List<String> jvmOptionsForCluster) {
    this.jvmOptionsForCluster = jvmOptionsForCluster;
  }

  /** Every problem found in one file of YAML documents, each naming the object and the field; one check per file. */
  List<String> check(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    List<Object> documents = new ArrayList<>();
    try {
      new Yaml(new SafeConstructor(options)).loadAll(yaml).forEach(documents::add);
    } catch (RuntimeException e) {
      return List.of("does not parse: " + e.getMessage().replace('\n', ' '));
    }
    for (Object document : documents) {
      if (document != null) {
        read(document);
      }
    }
    deployments.forEach(this::checkDeployment);
    services.forEach(this::checkService);
    return problems;
  }

  private void read(Object document) {
    if (!(document instanceof Map<?, ?> map)) {
      problems.add("a document is not a mapping: " + document);
      return;
    }
    String kind = map.get("apiVersion") + "/" + map.get("kind");
    Class<? extends HasMetadata> type = KINDS.get(kind);
    if (type == null) {
      problems.add("unchecked kind " + kind + " (teach KubernetesManifestCheck its model class)");
      return;
    }
    HasMetadata object;
    try {
      object = MAPPER.convertValue(map, type);
    } catch (IllegalArgumentException e) {
      problems.add(kind + ": " + e.getMessage().replace('\n', ' '));
      return;
    }
    String name = object.getMetadata() == null ? null : object.getMetadata().getName();
    if (name == null || !name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      problems.add(kind + ": metadata.name " + name + " is not a DNS label");
      return;
    }
    unknownFields(object, kind + " " + name);
    if (object instanceof Service service) {
      services.add(service);
    } else if (object instanceof Deployment deployment) {
      deployments.add(deployment);
    }
  }

  /** Fields the model does not know land in its additionalProperties: each one is a field Kubernetes would refuse. */
  private void unknownFields(Object value, String path) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        unknownFields(list.get(i), path + "[" + i + "]");
      }
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      JsonProperty property = getter.getAnnotation(JsonProperty.class);
      boolean additional = getter.getName().equals("getAdditionalProperties") && getter.getParameterCount() == 0;
      if (property == null && !additional || getter.getParameterCount() != 0) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(e);
      }
      if (additional) {
        ((Map<?, ?>) child).keySet().forEach(field -> problems.add(path + ": unknown field '" + field + "'"));
      } else {
        unknownFields(child, path + "." + property.value());
      }
    }
  }

  private void checkDeployment(Deployment deployment) {
    String where = "Deployment " + deployment.getMetadata().getName();
    if (deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getSelector() == null) {
      problems.add(where + ": spec.selector and spec.template are required");
      return;
    }
    PodTemplateSpec template = deployment.getSpec().getTemplate();
    Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels();
    Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
    if (selector == null || selector.isEmpty() || !labels.entrySet().containsAll(selector.entrySet())) {
      problems.add(where + ": spec.selector.matchLabels " + selector + " do not select the template's labels " + labels);
    }
    PodSpec pod = template.getSpec();
    if (pod == null || pod.getContainers() == null || pod.getContainers().isEmpty()) {
      problems.add(where + ": the pod has no containers");
      return;
    }
    if (!Boolean.FALSE.equals(pod.getEnableServiceLinks())) {
      problems.add(where + ": enableServiceLinks must be false (service links put SWITCHBOARD_* variables in the pod)");
    }
    for (Container container : pod.getContainers()) {
      new ContainerCheck(where + " container " + container.getName(), pod, container, labels).run();
    }
  }

  private void checkService(Service service) {
    String where = "Service " + service.getMetadata().getName();
    if (service.getSpec() == null || service.getSpec().getPorts() == null || service.getSpec().getPorts().isEmpty()) {
      problems.add(where + ": spec.ports is required");
      return;
    }
    Map<String, String> selector = service.getSpec().getSelector();
    List<Deployment> selected = deployments.stream().filter(d -> selector != null && !selector.isEmpty()
        && d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
    if (selected.isEmpty()) {
      problems.add(where + ": spec.selector " + selector + " selects no pod of these manifests");
    }
    for (ServicePort port : service.getSpec().getPorts()) {
      if (port.getPort() == null) {
        problems.add(where + ": a port without spec.ports[].port");
        continue;
      }
      IntOrString target = port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort();
      for (Deployment deployment : selected) {
        if (containerPort(deployment.getSpec().getTemplate().getSpec().getContainers(), target) == null) {
          problems.add(where + ": targetPort " + target.getValue() + " is no containerPort of Deployment "
              + deployment.getMetadata().getName());
        }
      }
    }
  }

  /** The container port a Service or probe port (a number or a name) designates among containers, or null. */
  private static ContainerPort containerPort(List<Container> containers, IntOrString port) {
    return containers.stream().flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream())
        .filter(p -> port.getStrVal() != null ? port.getStrVal().equals(p.getName()) : Objects.equals(port.getIntVal(), p.getContainerPort()))
        .findFirst().orElse(null);
  }

  /** One container: its fields, then the Switchboard it starts. */
  private final class ContainerCheck {
    private final String where;
    private final PodSpec pod;
    private final Container container;
    private final Map<String, String> labels;

    ContainerCheck(String where, PodSpec pod, Container container, Map<String, String> labels) {
      this.where = where;
      this.pod = pod;
      this.container = container;
      this.labels = labels;
    }

    void run() {
      if (container.getName() == null || container.getImage() == null) {
        problems.add(where + ": name and image are required");
        return;
      }
      checkPorts();
      checkResources();
      Map<String, String> environment = environment();
      SwitchboardConfig config = config(environment);
      if (config == null) {
        return;
      }
      checkListeners(config);
      checkProbes(config);
      checkShutdown(config);
      checkCluster(config);
    }

    private void checkPorts() {
      List<String> names = new ArrayList<>();
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        if (port.getContainerPort() == null || port.getContainerPort() < 1 || port.getContainerPort() > 65535) {
          problems.add(where + ": containerPort " + port.getContainerPort() + " is not a port");
        }
        if (port.getName() != null && (!PORT_NAME.matcher(port.getName()).matches() || names.contains(port.getName()))) {
          problems.add(where + ": port name " + port.getName() + " is not a unique IANA service name (15 characters at most)");
        }
        names.add(port.getName());
      }
    }

    /** Quantities the API server would parse, and no request above its limit. */
    private void checkResources() {
      if (container.getResources() == null) {
        problems.add(where + ": no resources: requests and limits are required here");
        return;
      }
      Map<String, Quantity> requests = Objects.requireNonNullElse(container.getResources().getRequests(), Map.of());
      Map<String, Quantity> limits = Objects.requireNonNullElse(container.getResources().getLimits(), Map.of());
      try {
        requests.forEach((resource, request) -> {
          Quantity limit = limits.get(resource);
          if (limit != null && Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit)) > 0) {
            problems.add(where + ": the " + resource + " request " + request + " is above its limit " + limit);
          }
        });
        limits.values().forEach(Quantity::getAmountInBytes);
      } catch (IllegalArgumentException | ArithmeticException e) {
        problems.add(where + ": a resource quantity does not parse: " + e.getMessage());
      }
    }

    private Map<String, String> environment() {
      return KubernetesManifestCheck.environment(container, POD_IP, problem -> problems.add(where + ": " + problem));
    }

    /** The configuration the jar would start with, from the container's command line and environment. */
    private SwitchboardConfig config(Map<String, String> environment) {
      List<String> command = container.getCommand() == null ? List.of() : container.getCommand();
      int jar = command.indexOf("-jar");
      if (command.isEmpty() || !(command.get(0).equals("java") || command.get(0).endsWith("/java")) || jar < 0 || jar + 1 >= command.size()
          || !command.get(jar + 1).endsWith("switchboard.jar") || jar + 2 != command.size()) {
        problems.add(where + ": command must be java [JVM options] -jar .../switchboard.jar (arguments in args): " + command);
        return null;
      }
      CommandLine commandLine;
      try {
        commandLine = CommandLine.parse(container.getArgs() == null ? new String[0] : container.getArgs().toArray(String[]::new));
      } catch (CommandLine.UsageException e) {
        problems.add(where + ": args " + container.getArgs() + " refused by the jar: " + e.getMessage());
        return null;
      }
      if (commandLine.help() || commandLine.version() || commandLine.configFile() != null) {
        problems.add(where + ": args must start the services, configured by flags and environment: " + container.getArgs());
        return null;
      }
      OverrideSource overrides = new OverrideSource(commandLine.keyOverrides(), Map.of(), environment);
      SwitchboardConfig config;
      try {
        config = ConfigLoader.load(null, overrides);
      } catch (ConfigException e) {
        problems.add(where + ": the configuration does not load: " + e.getMessage());
        return null;
      }
      overrides.ignoredEnvironment().keySet().forEach(name -> problems.add(where + ": env " + name + " is ignored"));
      List<String> jvmOptions = command.subList(1, jar);
      if (config.cluster().enabled() && !jvmOptions.containsAll(jvmOptionsForCluster)) {
        problems.add(where + ": a clustered JVM needs Hazelcast's options " + jvmOptionsForCluster);
      }
      return config;
    }

    /** Every container port is a listener of the configuration, reachable from outside the pod. */
    private void checkListeners(SwitchboardConfig config) {
      Map<String, String> listeners = new HashMap<>();
      if (config.runs(Role.GATEWAY)) {
        listeners.put("TCP/" + config.gateway().port(), config.gateway().host());
      }
      if (config.runs(Role.ECHO)) {
        config.echo().listeners().forEach(l -> listeners.put("TCP/" + l.port(), l.host()));
      }
      if (config.runs(Role.UDP)) {
        listeners.put("UDP/" + config.udp().port(), config.udp().host());
      }
      if (config.runs(Role.BRIDGE)) {
        listeners.put("TCP/" + config.bridge().port(), config.bridge().host());
      }
      if (config.cluster().enabled()) {
        listeners.put("TCP/" + config.cluster().port(), config.cluster().host());
      }
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        String key = (port.getProtocol() == null ? "TCP" : port.getProtocol()) + "/" + port.getContainerPort();
        String host = listeners.get(key);
        if (host == null) {
          problems.add(where + ": containerPort " + port.getName() + " (" + key + ") is no listener of the configuration");
        } else if (host.startsWith("127.") || host.equals("::1") || host.equals("localhost")) {
          problems.add(where + ": containerPort " + port.getName() + " (" + key + ") listens on " + host
              + " only: unreachable from outside the pod");
        }
      }
    }

    private void checkProbes(SwitchboardConfig config) {
      Probe startup = container.getStartupProbe();
      Probe liveness = container.getLivenessProbe();
      if (startup == null || container.getReadinessProbe() == null || liveness == null) {
        problems.add(where + ": needs a startupProbe, a readinessProbe and a livenessProbe");
        return;
      }
      for (Probe probe : List.of(startup, container.getReadinessProbe(), liveness)) {
        IntOrString port = probe.getHttpGet() != null ? probe.getHttpGet().getPort()
            : probe.getTcpSocket() != null ? probe.getTcpSocket().getPort() : null;
        long handlers = java.util.stream.Stream.of(probe.getHttpGet(), probe.getTcpSocket(), probe.getExec(), probe.getGrpc())
            .filter(Objects::nonNull).count();
        if (handlers != 1) {
          problems.add(where + ": a probe needs exactly one of httpGet, tcpSocket, exec and grpc");
        } else if (port != null && containerPort(List.of(container), port) == null) {
          problems.add(where + ": probe port " + port.getValue() + " is no containerPort");
        }
      }
      long joinSeconds = config.cluster().enabled() ? config.cluster().joinTimeout().toSeconds() : 0;
      if (window(startup) < joinSeconds + JVM_START_SECONDS) {
        problems.add(where + ": the startupProbe gives up after " + window(startup) + " s, before a JVM start ("
            + JVM_START_SECONDS + " s) and cluster.joinTimeout (" + joinSeconds + " s)");
      }
      if (window(liveness) <= joinSeconds) {
        problems.add(where + ": the livenessProbe restarts after " + window(liveness) + " s, within cluster.joinTimeout");
      }
    }

    /** Seconds of failures after which a probe acts. */
    private static long window(Probe probe) {
      return (long) Objects.requireNonNullElse(probe.getPeriodSeconds(), 10)
          * Objects.requireNonNullElse(probe.getFailureThreshold(), 3);
    }

    private void checkShutdown(SwitchboardConfig config) {
      LifecycleHandler preStop = container.getLifecycle() == null ? null : container.getLifecycle().getPreStop();
      long preStopSeconds = -1;
      if (preStop != null && preStop.getSleep() != null) {
        preStopSeconds = preStop.getSleep().getSeconds();
      } else if (preStop != null && preStop.getExec() != null && preStop.getExec().getCommand() != null
          && preStop.getExec().getCommand().size() == 2 && preStop.getExec().getCommand().get(0).equals("sleep")
          && preStop.getExec().getCommand().get(1).matches("\\d{1,3}")) {
        preStopSeconds = Long.parseLong(preStop.getExec().getCommand().get(1));
      }
      if (preStopSeconds < 1) {
        problems.add(where + ": needs a preStop sleep, so that the pod leaves the endpoints before SIGTERM");
        return;
      }
      long grace = Objects.requireNonNullElse(pod.getTerminationGracePeriodSeconds(), 30L);
      long needed = preStopSeconds + (long) Math.ceil(config.shutdownTimeout().toMillis() / 1000.0);
      if (grace <= needed) {
        problems.add(where + ": terminationGracePeriodSeconds " + grace + " is not more than preStop + shutdownTimeout ("
            + needed + " s)");
      }
    }

    /** A clustered pod binds its pod IP and finds the others through a headless Service that selects it. */
    private void checkCluster(SwitchboardConfig config) {
      var cluster = config.cluster();
      if (!cluster.enabled()) {
        return;
      }
      if (!cluster.host().equals(POD_IP) || !cluster.eventBusHost().equals(POD_IP)) {
        problems.add(where + ": cluster.host and cluster.eventBusHost must be the pod IP (status.podIP)");
      }
      if (!cluster.kubernetes().enabled()) {
        problems.add(where + ": cluster.kubernetes.serviceDns is not set: a members list cannot name pods");
        return;
      }
      String serviceName = cluster.kubernetes().serviceDns().split("\\.")[0];
      Service service = services.stream().filter(s -> s.getMetadata().getName().equals(serviceName)).findFirst().orElse(null);
      if (service == null || !"None".equals(service.getSpec().getClusterIP())
          || !Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses())
          || service.getSpec().getSelector() == null
          || !labels.entrySet().containsAll(service.getSpec().getSelector().entrySet())) {
        problems.add(where + ": cluster.kubernetes.serviceDns " + serviceName + " must name a headless Service of these "
            + "manifests (clusterIP None, publishNotReadyAddresses) that selects this pod");
        return;
      }
      boolean portListed = service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == cluster.kubernetesPort());
      if (!portListed) {
        problems.add(where + ": Service " + serviceName + " lists no port " + cluster.kubernetesPort());
      }
      if (cluster.kubernetesPort() != cluster.port() || cluster.portCount() != 1) {
        problems.add(where + ": every pod must bind the port the others look up: cluster.port = servicePort, portCount 1");
      }
      if (cluster.minMembers() < 2) {
        problems.add(where + ": cluster.minMembers below 2 lets a partitioned pod serve alone and report ready");
      }
    }
  }

  /**
   * A container's environment as the kubelet gives it, {@code $(VAR)} expanded: {@code status.podIP} is
   * {@code podIp}, other values from the API are stand-ins. What the kubelet would refuse or leave unexpanded goes to
   * {@code problems}.
   */
  static Map<String, String> environment(Container container, String podIp, Consumer<String> problems) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      String name = variable.getName();
      if (name == null || environment.containsKey(name)) {
        problems.accept("env name " + name + " missing or repeated");
        continue;
      }
      if ((variable.getValue() == null) == (variable.getValueFrom() == null)) {
        problems.accept("env " + name + " needs exactly one of value and valueFrom");
        continue;
      }
      String value;
      if (variable.getValueFrom() != null) {
        var field = variable.getValueFrom().getFieldRef();
        value = field != null && "status.podIP".equals(field.getFieldPath()) ? podIp : "from-the-api-" + name;
      } else {
        Matcher reference = VAR_REFERENCE.matcher(variable.getValue());
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
          String referenced = environment.get(reference.group(1));
          if (referenced == null) {
            problems.accept("env " + name + " refers to $(" + reference.group(1) + "), not defined before it");
            referenced = reference.group();
          }
          reference.appendReplacement(expanded, Matcher.quoteReplacement(referenced));
        }
        value = reference.appendTail(expanded).toString();
      }
      environment.put(name, value);
    }
    return environment;
  }

  /** Every object of one kind in a file of YAML documents, read into its model class. */
  static <T> List<T> objects(String yaml, String kind, Class<T> type) {
    List<T> objects = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document instanceof Map<?, ?> map && kind.equals(map.get("kind"))) {
        objects.add(MAPPER.convertValue(map, type));
      }
    }
    return objects;
  }

  /** The options of {@code hz_opens="..."} in a shell script. */
  static List<String> shellWords(String script, String variable) {
    Matcher m = Pattern.compile("(?m)^" + variable + "=\"([^\"]*)\"").matcher(script);
    if (!m.find()) {
      throw new IllegalArgumentException("no " + variable + "= in the script");
    }
    return Arrays.asList(m.group(1).trim().split("\\s+"));
  }
}
