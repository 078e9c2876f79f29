#!/usr/bin/env bash
# Builds the local test bed once, from the Go module proxy, into the layout that
# io.fabric8:kube-api-test expects (~/.kubeapitest/k8s/<version>-linux-amd64/{kube-apiserver,etcd,kubectl},
# plus kube-controller-manager beside them),
# installs helm, parliament, cfn-lint, checkov and prowler, and checks that moto can start. Skips everything already there.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
HELM_VERSION="${HELM_VERSION:-3.19.5}"
KUBECTL_MINOR="${KUBECTL_MINOR:-1.33}"
PARLIAMENT_VERSION="${PARLIAMENT_VERSION:-1.6.4}"
CFN_LINT_VERSION="${CFN_LINT_VERSION:-1.58.0}"
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
PROWLER_VERSION="${PROWLER_VERSION:-5.46.0}"

BIN_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"
TOOLS_DIR="${WEBPLATFORM_TOOLS_DIR:-$HOME/.webplatform/bin}"
BUILD_DIR="${WEBPLATFORM_BUILD_DIR:-$HOME/.webplatform/build}"
mkdir -p "$BIN_DIR" "$TOOLS_DIR" "$BUILD_DIR"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# The proxy is the trusted source here; the checksum database may be unreachable.
export GOSUMDB="${GOSUMDB:-off}"

say() { printf '[testbed] %s\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1 || { say "missing '$1': $2"; exit 1; }; }
need go "install Go 1.24 or newer (https://go.dev/doc/install)"
need python3 "install Python 3.11"

# kube-apiserver, and kube-controller-manager for its namespace and garbage-collector controllers
# (`kubectl delete namespace` and ownerReferences work as on a real cluster), built from the same
# k8s.io/kubernetes module version; the second shares most packages with the first (Go's build cache).
build_kube_command() {
  local cmd="$1" out="$BIN_DIR/$1"
  if [ -x "$out" ]; then say "$cmd v$K8S_VERSION already built: $out"; return; fi
  say "building $cmd v$K8S_VERSION from the Go module proxy (first time only; kube-apiserver ~10-20 min, then kube-controller-manager ~3 min)"
  local dir="$BUILD_DIR/$cmd-$K8S_VERSION" minor started
  started="$(date +%s)"
  minor="${K8S_VERSION#*.}"; minor="${minor%%.*}"
  mkdir -p "$dir"
  # The kubernetes module replaces its staging modules with local paths; a consumer must
  # point each of them at the published v0.<minor>.<patch> instead.
  local gomod
  gomod="$(cd "$dir" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')"
  {
    echo "module local/${cmd//-/}build"
    echo
    echo "go 1.24"
    echo
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    echo
    grep -E '^\s*k8s.io/[^ ]+ => ./staging/' "$gomod" | awk -v v="v0.${K8S_VERSION#*.}" '{print "replace " $1 " => " $1 " " v}'
  } > "$dir/go.mod"
  (cd "$dir" && go get "k8s.io/kubernetes/cmd/$cmd@v$K8S_VERSION" >/dev/null)
  local ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$dir" && go build -trimpath -ldflags "$ld" -o "$out.tmp" "k8s.io/kubernetes/cmd/$cmd")
  mv "$out.tmp" "$out"
  say "built $out in $(( $(date +%s) - started ))s"
}

build_etcd() {
  local out="$BIN_DIR/etcd"
  if [ -x "$out" ]; then say "etcd v$ETCD_VERSION already built: $out"; return; fi
  say "building etcd v$ETCD_VERSION from the Go module proxy (first time only)"
  local dir="$BUILD_DIR/etcd-$ETCD_VERSION"
  mkdir -p "$dir"
  printf 'module local/etcdbuild\n\ngo 1.24\n' > "$dir/go.mod"
  (cd "$dir" && go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null)
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$out.tmp" go.etcd.io/etcd/server/v3)
  mv "$out.tmp" "$out"
  say "built $out"
}

link_kubectl() {
  local out="$BIN_DIR/kubectl" src=""
  for c in "/usr/lib/google-cloud-sdk/bin/kubectl.$KUBECTL_MINOR" "$(command -v kubectl || true)"; do
    if [ -n "$c" ] && [ -x "$c" ]; then src="$c"; break; fi
  done
  if [ -z "$src" ]; then
    say "no kubectl found; building kubectl v$K8S_VERSION"
    local dir="$BUILD_DIR/kubectl-$K8S_VERSION"
    mkdir -p "$dir"; printf 'module local/kubectlbuild\n\ngo 1.24\n' > "$dir/go.mod"
    (cd "$dir" && go get "k8s.io/kubectl@v0.${K8S_VERSION#*.}" >/dev/null && go build -o "$out" k8s.io/kubectl/cmd/kubectl 2>/dev/null) \
      || { say "could not build kubectl"; exit 1; }
    return
  fi
  ln -sf "$src" "$out"
  ln -sf "$src" "$TOOLS_DIR/kubectl"
  say "kubectl: $out -> $src"
}

install_helm() {
  local out="$TOOLS_DIR/helm"
  if [ -x "$out" ]; then say "helm already installed: $out"; return; fi
  say "installing helm v$HELM_VERSION with go install"
  GOBIN="$TOOLS_DIR" go install "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
  say "installed $out"
}

check_moto() {
  if python3 -c 'import moto, flask, flask_cors' 2>/dev/null; then
    say "moto $(python3 -c 'import moto; print(moto.__version__)') with server extras is available"
  else
    say "moto server is missing; installing it with pip (moto[server]==5.2.1)"
    python3 -m pip install --quiet 'moto[server]==5.2.1'
  fi
}

# The app test runs the built-in app (hack/app-smoke.sh): a local PostgreSQL and a virtualenv with
# the packages the instances install (their pinned list is read from the user-data template).
install_postgres() {
  if ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then say "PostgreSQL $(ls /usr/lib/postgresql | sort -V | tail -1) is installed"; return; fi
  say "installing PostgreSQL from Debian's packages (for the app test)"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
}

install_app_venv() {
  local root venv packages
  root="$(cd "$(dirname "$0")/.." && pwd)"
  venv="${WEBAPP_VENV:-$HOME/.webplatform/app-venv}"
  packages="$(sed -n 's/.*PIP_PACKAGES = "\(.*\)";/\1/p' "$root/src/main/java/io/webplatform/operator/platform/AppUserData.java")"
  if [ -f "$venv/.packages" ] && [ "$(cat "$venv/.packages")" = "$packages" ]; then say "app virtualenv ready: $venv"; return; fi
  say "creating the app virtualenv $venv ($packages)"
  rm -rf "$venv" && python3 -m venv "$venv" && "$venv/bin/pip" install --quiet $packages
  echo "$packages" > "$venv/.packages"
}

# The README's walkthrough (ReadmeWalkthroughIT) runs its aws commands against the emulator.
install_awscli() {
  if command -v aws >/dev/null 2>&1; then say "$(aws --version 2>&1 | cut -d' ' -f1) is installed"; return; fi
  say "installing the AWS CLI from PyPI into $HOME/.webplatform/awscli-venv"
  rm -rf "$HOME/.webplatform/awscli-venv" && python3 -m venv "$HOME/.webplatform/awscli-venv" \
    && "$HOME/.webplatform/awscli-venv/bin/pip" install --quiet 'awscli==1.45.11'
  mkdir -p "$HOME/.webplatform/bin" && ln -sf "$HOME/.webplatform/awscli-venv/bin/aws" "$HOME/.webplatform/bin/aws"
}

# ParliamentIT lints every IAM policy (shipped and written at run time) with parliament, Duo Labs'
# IAM policy auditor; it needs no network (AWS's action and resource definitions ship inside it).
install_parliament() {
  local venv="$HOME/.webplatform/parliament-venv" out="$TOOLS_DIR/parliament"
  if [ -x "$out" ] && [ "$("$out" --version 2>&1)" = "parliament $PARLIAMENT_VERSION" ]; then
    say "parliament $PARLIAMENT_VERSION is installed: $out"; return
  fi
  say "installing parliament $PARLIAMENT_VERSION from PyPI into $venv"
  rm -rf "$venv" && python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "parliament==$PARLIAMENT_VERSION"
  ln -sf "$venv/bin/parliament" "$out"
}

# PlanLintersTest judges the operator's plans (CloudFormation) with AWS's cfn-lint (AWS's resource
# schemas: names, lengths, allowed values) and checkov (security checks); neither needs the network
# (checkov runs with BC_SKIP_MAPPING=TRUE, so it does not ask its vendor's API).
# ProwlerScanTest scans the emulated account with prowler after both samples converge; it reaches
# only the emulator (AWS_ENDPOINT_URL), its check metadata ships inside the package.
install_python_tool() {
  local name="$1" version="$2" venv="$HOME/.webplatform/$1-venv" out="$TOOLS_DIR/$1"
  if [ -x "$out" ] && [ -f "$venv/.version" ] && [ "$(cat "$venv/.version")" = "$version" ]; then
    say "$name $version is installed: $out"; return
  fi
  say "installing $name $version from PyPI into $venv"
  rm -rf "$venv" && python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "$name==$version"
  echo "$version" > "$venv/.version"
  ln -sf "$venv/bin/$name" "$out"
}

case "${1:-all}" in
  kube-apiserver) build_kube_command kube-apiserver ;;
  kube-controller-manager) build_kube_command kube-controller-manager ;;
  etcd) build_etcd ;;
  helm) install_helm ;;
  app) install_postgres; install_app_venv ;;
  parliament) install_parliament ;;
  linters) install_python_tool cfn-lint "$CFN_LINT_VERSION"; install_python_tool checkov "$CHECKOV_VERSION" ;;
  prowler) install_python_tool prowler "$PROWLER_VERSION" ;;
  all)
    check_moto
    install_awscli
    install_parliament
    install_python_tool cfn-lint "$CFN_LINT_VERSION"
    install_python_tool checkov "$CHECKOV_VERSION"
    install_python_tool prowler "$PROWLER_VERSION"
    install_postgres
    install_app_venv
    link_kubectl
    build_etcd
    install_helm
    build_kube_command kube-apiserver
    build_kube_command kube-controller-manager
    say "test bed ready: $BIN_DIR"
    ;;
  *) echo "usage: $0 [all|kube-apiserver|kube-controller-manager|etcd|helm|app|parliament|linters|prowler]"; exit 2 ;;
esac
