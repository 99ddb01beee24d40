/**
 * Tracing is on only when an OTLP endpoint is configured and the SDK is not disabled: the OpenTelemetry SDK's own
 * environment variables decide, so that an operator sets tracing up as for any other service.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return isSet(env.OTEL_EXPORTER_OTLP_ENDPOINT) || isSet(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
