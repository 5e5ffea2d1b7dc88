{{/* Names, labels and the image shared by every template. */}}

{{- define "touchline.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "touchline.labels" -}}
app.kubernetes.io/name: touchline
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "touchline.selector" -}}
app.kubernetes.io/name: touchline
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "touchline.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The restricted pod security profile, everywhere. */}}
{{- define "touchline.podSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "touchline.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- define "touchline.monitoringAPI" -}}
{{- and .Values.monitoring.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") -}}
{{- end -}}

{{/* A Service's host: its fixed ClusterIP when set (no cluster DNS needed), else its name. */}}
{{- define "touchline.host" -}}
{{- $root := index . 0 -}}{{- $suffix := index . 1 -}}{{- $ip := index . 2 -}}
{{- if $ip -}}{{ $ip }}{{- else -}}{{ include "touchline.fullname" $root }}-{{ $suffix }}{{- end -}}
{{- end -}}

{{- define "touchline.riskServiceUrl" -}}
{{- if .Values.bots.riskServiceUrl -}}{{ .Values.bots.riskServiceUrl }}
{{- else -}}http://{{ include "touchline.host" (list . "risk" .Values.risk.clusterIP) }}:{{ .Values.risk.port }}
{{- end -}}
{{- end -}}

{{/* Venue endpoints: bots.venues, else the in-cluster simulators when enabled, else none. */}}
{{- define "touchline.kalshiSim" -}}
{{ include "touchline.host" (list . "sim-kalshi" .Values.simulators.kalshi.clusterIP) }}:{{ .Values.simulators.kalshi.port }}
{{- end -}}

{{- define "touchline.polySim" -}}
{{ include "touchline.host" (list . "sim-polymarket" .Values.simulators.polymarket.clusterIP) }}:{{ .Values.simulators.polymarket.port }}
{{- end -}}

{{- define "touchline.kalshiRestUrl" -}}
{{- if .Values.bots.venues.kalshiRestUrl -}}{{ .Values.bots.venues.kalshiRestUrl }}
{{- else if .Values.simulators.enabled -}}http://{{ include "touchline.kalshiSim" . }}/trade-api/v2
{{- end -}}
{{- end -}}

{{- define "touchline.kalshiWsUrl" -}}
{{- if .Values.bots.venues.kalshiWsUrl -}}{{ .Values.bots.venues.kalshiWsUrl }}
{{- else if .Values.simulators.enabled -}}ws://{{ include "touchline.kalshiSim" . }}/trade-api/ws/v2
{{- end -}}
{{- end -}}

{{- define "touchline.polyClobUrl" -}}
{{- if .Values.bots.venues.polyClobUrl -}}{{ .Values.bots.venues.polyClobUrl }}
{{- else if .Values.simulators.enabled -}}http://{{ include "touchline.polySim" . }}
{{- end -}}
{{- end -}}

{{- define "touchline.polyWsUrl" -}}
{{- if .Values.bots.venues.polyWsUrl -}}{{ .Values.bots.venues.polyWsUrl }}
{{- else if .Values.simulators.enabled -}}ws://{{ include "touchline.polySim" . }}/ws/market
{{- end -}}
{{- end -}}
