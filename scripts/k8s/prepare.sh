#!/usr/bin/env bash
# Placeholder until the control-plane issue lands: builds nothing yet.
echo "k8s: control plane not prepared yet (see issue: real Kubernetes control plane)"
