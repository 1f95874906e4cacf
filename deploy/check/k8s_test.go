package check

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// objects is a kustomize build decoded into the Kubernetes API types.
type objects struct {
	deployments  map[string]*appsv1.Deployment
	statefulsets map[string]*appsv1.StatefulSet
	services     map[string]*corev1.Service
	configmaps   map[string]*corev1.ConfigMap
	secrets      map[string]*corev1.Secret
	namespaces   map[string]*corev1.Namespace
	hpas         map[string]*autoscalingv2.HorizontalPodAutoscaler
	pdbs         map[string]*policyv1.PodDisruptionBudget
	netpols      map[string]*networkingv1.NetworkPolicy
}

// decodeStrict decodes one object's YAML into the API type of its kind,
// refusing unknown and duplicate fields: a mistyped field name fails.
func (o *objects) decodeStrict(y []byte) error {
	var meta struct{ APIVersion, Kind string }
	if err := yaml.Unmarshal(y, &meta); err != nil {
		return err
	}
	var target any
	var put func()
	switch gvk := meta.APIVersion + "/" + meta.Kind; gvk {
	case "apps/v1/Deployment":
		v := &appsv1.Deployment{}
		target, put = v, func() { o.deployments[v.Name] = v }
	case "apps/v1/StatefulSet":
		v := &appsv1.StatefulSet{}
		target, put = v, func() { o.statefulsets[v.Name] = v }
	case "v1/Service":
		v := &corev1.Service{}
		target, put = v, func() { o.services[v.Name] = v }
	case "v1/ConfigMap":
		v := &corev1.ConfigMap{}
		target, put = v, func() { o.configmaps[v.Name] = v }
	case "v1/Secret":
		v := &corev1.Secret{}
		target, put = v, func() { o.secrets[v.Name] = v }
	case "v1/Namespace":
		v := &corev1.Namespace{}
		target, put = v, func() { o.namespaces[v.Name] = v }
	case "autoscaling/v2/HorizontalPodAutoscaler":
		v := &autoscalingv2.HorizontalPodAutoscaler{}
		target, put = v, func() { o.hpas[v.Name] = v }
	case "policy/v1/PodDisruptionBudget":
		v := &policyv1.PodDisruptionBudget{}
		target, put = v, func() { o.pdbs[v.Name] = v }
	case "networking.k8s.io/v1/NetworkPolicy":
		v := &networkingv1.NetworkPolicy{}
		target, put = v, func() { o.netpols[v.Name] = v }
	default:
		return fmt.Errorf("kind %s is not one this test knows how to check: add it", gvk)
	}
	if err := yaml.UnmarshalStrict(y, target); err != nil {
		return fmt.Errorf("%s: %w", meta.Kind, err)
	}
	put()
	return nil
}

func newObjects() *objects {
	return &objects{
		deployments: map[string]*appsv1.Deployment{}, statefulsets: map[string]*appsv1.StatefulSet{},
		services: map[string]*corev1.Service{}, configmaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{},
		namespaces: map[string]*corev1.Namespace{}, hpas: map[string]*autoscalingv2.HorizontalPodAutoscaler{},
		pdbs: map[string]*policyv1.PodDisruptionBudget{}, netpols: map[string]*networkingv1.NetworkPolicy{},
	}
}

// build runs kustomize on dir of fs and decodes every object strictly.
func build(fs filesys.FileSystem, dir string) (*objects, error) {
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	o := newObjects()
	for _, r := range rm.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			return nil, err
		}
		if err := o.decodeStrict(y); err != nil {
			return nil, fmt.Errorf("%s: %w", r.CurId(), err)
		}
	}
	return o, nil
}

// TestKustomizeProduction builds the production overlay, decodes every
// object strictly, and checks what the deployment depends on.
func TestKustomizeProduction(t *testing.T) {
	for _, dir := range []string{"../k8s/base", "../k8s/overlays/production"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			o, err := build(filesys.MakeFsOnDisk(), dir)
			if err != nil {
				t.Fatal(err)
			}
			checkObjects(t, o, dir == "../k8s/overlays/production")
		})
	}
}

func checkObjects(t *testing.T, o *objects, production bool) {
	bot := o.deployments["madoguchi"]
	redis := o.statefulsets["madoguchi-redis"]
	if bot == nil || redis == nil {
		t.Fatalf("want Deployment madoguchi and StatefulSet madoguchi-redis, got %v %v", bot, redis)
	}
	for _, name := range []string{"madoguchi", "madoguchi-redis"} {
		if o.services[name] == nil || o.netpols[name] == nil {
			t.Errorf("want Service and NetworkPolicy %s", name)
		}
	}
	if o.configmaps["madoguchi-config"] == nil || o.hpas["madoguchi"] == nil || o.pdbs["madoguchi"] == nil {
		t.Fatalf("want ConfigMap madoguchi-config, HPA and PDB madoguchi")
	}
	if len(o.secrets) != 0 {
		t.Errorf("the build holds Secrets %v: credentials are created apart (secret.example.yaml), never applied by kustomize", o.secrets)
	}
	if production {
		ns := o.namespaces["madoguchi"]
		if ns == nil || ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
			t.Errorf("production: want Namespace madoguchi enforcing the restricted pod security profile, got %+v", ns)
		}
		if bot.Namespace != "madoguchi" || redis.Namespace != "madoguchi" {
			t.Errorf("production: objects not in the madoguchi namespace")
		}
		if img := bot.Spec.Template.Spec.Containers[0].Image; strings.HasSuffix(img, ":latest") || !strings.Contains(img, ":") {
			t.Errorf("production: image %q is not pinned", img)
		}
		if *o.hpas["madoguchi"].Spec.MinReplicas < 3 {
			t.Errorf("production: HPA minReplicas %d", *o.hpas["madoguchi"].Spec.MinReplicas)
		}
	}

	// The bot's pod.
	pod := bot.Spec.Template
	checkPodSecurity(t, "Deployment madoguchi", pod.Spec)
	if len(pod.Spec.TopologySpreadConstraints) == 0 {
		t.Errorf("Deployment madoguchi: no topologySpreadConstraints")
	}
	for _, c := range pod.Spec.TopologySpreadConstraints {
		sel, _ := metaSelector(c.LabelSelector)
		if !sel.Matches(labels.Set(pod.Labels)) {
			t.Errorf("topology spread %s selects other pods than the bot's", c.TopologyKey)
		}
	}
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("Deployment madoguchi: %d containers", len(pod.Spec.Containers))
	}
	c := pod.Spec.Containers[0]
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for probe, want := range map[string]*corev1.Probe{"/healthz": c.StartupProbe, "/readyz": c.ReadinessProbe} {
		if want == nil || want.HTTPGet == nil || want.HTTPGet.Path != probe || ports[want.HTTPGet.Port.String()] != 8080 {
			t.Errorf("Deployment madoguchi: want a probe GET %s on the http port (8080), got %+v", probe, want)
		}
	}
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Errorf("Deployment madoguchi: liveness probe must be /healthz (never /readyz: a Redis outage must not restart every pod), got %+v", c.LivenessProbe)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("Deployment madoguchi: want cpu and memory requests and a memory limit, got %+v", c.Resources)
	}

	// Its environment: only variables the server reads.
	cm := o.configmaps["madoguchi-config"]
	for k := range cm.Data {
		checkDeclared(t, "ConfigMap madoguchi-config", k)
	}
	for _, e := range c.Env {
		checkDeclared(t, "Deployment madoguchi", e.Name)
	}
	var fromConfig, fromSecret bool
	for _, f := range c.EnvFrom {
		if f.ConfigMapRef != nil && f.ConfigMapRef.Name == cm.Name {
			fromConfig = true
		}
		if f.SecretRef != nil && f.SecretRef.Name == "madoguchi-secrets" {
			fromSecret = true
		}
	}
	if !fromConfig || !fromSecret {
		t.Errorf("Deployment madoguchi: want envFrom ConfigMap %s and Secret madoguchi-secrets", cm.Name)
	}
	if cm.Data["METRICS_ADDR"] == "" || ports["metrics"] == 0 || !strings.HasSuffix(cm.Data["METRICS_ADDR"], fmt.Sprintf(":%d", ports["metrics"])) {
		t.Errorf("METRICS_ADDR %q is not the container's metrics port %d", cm.Data["METRICS_ADDR"], ports["metrics"])
	}
	if cm.Data["PORT"] != fmt.Sprint(ports["http"]) {
		t.Errorf("PORT %q is not the container's http port %d", cm.Data["PORT"], ports["http"])
	}
	if cm.Data["PPROF"] == "on" {
		t.Errorf("PPROF is on in the ConfigMap: the profiler is off by default")
	}

	// Service, HPA and PDB point at the bot.
	if sel := labels.SelectorFromSet(o.services["madoguchi"].Spec.Selector); !sel.Matches(labels.Set(pod.Labels)) {
		t.Errorf("Service madoguchi does not select the bot's pods")
	}
	if ref := o.hpas["madoguchi"].Spec.ScaleTargetRef; ref.Kind != "Deployment" || ref.Name != bot.Name {
		t.Errorf("HPA scales %s %s", ref.Kind, ref.Name)
	}
	if sel, err := metaSelector(o.pdbs["madoguchi"].Spec.Selector); err != nil || !sel.Matches(labels.Set(pod.Labels)) {
		t.Errorf("PDB madoguchi does not select the bot's pods")
	}
	if s := bot.Spec.Strategy.RollingUpdate; s == nil || s.MaxUnavailable == nil || s.MaxUnavailable.IntValue() != 0 {
		t.Errorf("Deployment madoguchi: a rolling update must keep every pod until its successor is ready")
	}

	// Redis: AOF, noeviction, a volume.
	rp := redis.Spec.Template
	checkPodSecurity(t, "StatefulSet madoguchi-redis", rp.Spec)
	args := strings.Join(rp.Spec.Containers[0].Args, " ")
	for _, want := range []string{"--appendonly yes", "--maxmemory-policy noeviction", "--dir /data"} {
		if !strings.Contains(args, want) {
			t.Errorf("Redis args %q lack %q", args, want)
		}
	}
	if len(redis.Spec.VolumeClaimTemplates) != 1 || redis.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().IsZero() {
		t.Errorf("Redis: want one volume claim with a size")
	}
	if production && redis.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String() != "10Gi" {
		t.Errorf("production: Redis volume %s", redis.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage())
	}
	mounted := false
	for _, m := range rp.Spec.Containers[0].VolumeMounts {
		mounted = mounted || (m.Name == redis.Spec.VolumeClaimTemplates[0].Name && m.MountPath == "/data")
	}
	if !mounted {
		t.Errorf("Redis: the volume claim is not mounted on /data")
	}
	// Only the bot reaches Redis.
	np := o.netpols["madoguchi-redis"]
	if sel, _ := metaSelector(&np.Spec.PodSelector); !sel.Matches(labels.Set(rp.Labels)) || len(np.Spec.Ingress) != 1 ||
		len(np.Spec.Ingress[0].From) != 1 || np.Spec.Ingress[0].From[0].PodSelector == nil {
		t.Errorf("NetworkPolicy madoguchi-redis: want ingress from the bot's pods only, got %+v", np.Spec)
	} else if from, _ := metaSelector(np.Spec.Ingress[0].From[0].PodSelector); !from.Matches(labels.Set(pod.Labels)) || from.Matches(labels.Set(rp.Labels)) {
		t.Errorf("NetworkPolicy madoguchi-redis: its ingress does not select exactly the bot's pods")
	}
	if sel, _ := metaSelector(&o.netpols["madoguchi"].Spec.PodSelector); !sel.Matches(labels.Set(pod.Labels)) {
		t.Errorf("NetworkPolicy madoguchi does not select the bot's pods")
	}
}

// checkPodSecurity checks the restricted profile: non-root, seccomp
// RuntimeDefault, and for every container no privilege escalation, a
// read-only root filesystem and no capabilities.
func checkPodSecurity(t *testing.T, what string, spec corev1.PodSpec) {
	t.Helper()
	psc := spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod securityContext must set runAsNonRoot and seccomp RuntimeDefault, got %+v", what, psc)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("%s: automountServiceAccountToken must be false", what)
	}
	for _, c := range spec.Containers {
		sc := c.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0 {
			t.Errorf("%s container %s: want allowPrivilegeEscalation false, readOnlyRootFilesystem true, capabilities drop ALL, got %+v", what, c.Name, sc)
		}
		if c.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s container %s: no memory limit", what, c.Name)
		}
	}
}

// TestSecretTemplate decodes secret.example.yaml strictly and checks that
// the bot's Secret holds only variables the server reads, and the names the
// manifests refer to.
func TestSecretTemplate(t *testing.T) {
	b, err := os.ReadFile("../k8s/base/secret.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := newObjects()
	for _, doc := range strings.Split(string(b), "\n---\n") {
		if err := o.decodeStrict([]byte(doc)); err != nil {
			t.Fatal(err)
		}
	}
	bot, redis := o.secrets["madoguchi-secrets"], o.secrets["madoguchi-redis"]
	if bot == nil || redis == nil {
		t.Fatalf("want Secrets madoguchi-secrets and madoguchi-redis, got %v", o.secrets)
	}
	for k, v := range bot.StringData {
		checkDeclared(t, "Secret madoguchi-secrets", k)
		if !strings.Contains(v, "REPLACE_WITH_") {
			t.Errorf("Secret template %s holds a value, not a placeholder", k)
		}
	}
	for _, k := range []string{"REDIS_URL", "LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"} {
		if _, ok := bot.StringData[k]; !ok {
			t.Errorf("Secret template lacks %s", k)
		}
	}
	if _, ok := redis.StringData["REDIS_PASSWORD"]; !ok {
		t.Errorf("Secret madoguchi-redis lacks REDIS_PASSWORD")
	}
	o2, err := build(filesys.MakeFsOnDisk(), "../k8s/base")
	if err != nil {
		t.Fatal(err)
	}
	ref := o2.statefulsets["madoguchi-redis"].Spec.Template.Spec.Containers[0].Env[0].ValueFrom.SecretKeyRef
	if ref.Name != redis.Name || ref.Key != "REDIS_PASSWORD" {
		t.Errorf("Redis reads its password from %s/%s", ref.Name, ref.Key)
	}
}

// TestStrictDecodeCatchesTypos builds the base from an in-memory copy with
// one field mistyped and checks that the build fails naming it.
func TestStrictDecodeCatchesTypos(t *testing.T) {
	for file, typo := range map[string][2]string{
		"deployment.yaml": {"readinessProbe:", "readinesProbe:"},
		"redis.yaml":      {"volumeClaimTemplates:", "volumeClaimTemplate:"},
		"hpa.yaml":        {"averageUtilization:", "averageUtilisation:"},
	} {
		fs := filesys.MakeFsInMemory()
		entries, err := os.ReadDir("../k8s/base")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join("../k8s/base", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if e.Name() == file {
				if !strings.Contains(string(b), typo[0]) {
					t.Fatalf("%s has no %s", file, typo[0])
				}
				b = []byte(strings.Replace(string(b), typo[0], typo[1], 1))
			}
			if err := fs.WriteFile(filepath.Join("/base", e.Name()), b); err != nil {
				t.Fatal(err)
			}
		}
		_, err = build(fs, "/base")
		if name := strings.TrimSuffix(typo[1], ":"); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s with %s: build error %v, want one naming %s", file, typo[1], err, name)
		}
	}
}
