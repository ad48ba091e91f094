import * as diagnostics from 'node:diagnostics_channel';

/** diagnostics_channel names, for APMs and tests: subscribe with `diagnostics_channel.subscribe`. */
export const channelNames = {
  shutdown: 'lastcall:shutdown',
  stepStart: 'lastcall:step:start',
  step: 'lastcall:step',
  closed: 'lastcall:closed',
  readiness: 'lastcall:readiness',
} as const;

export const channels = {
  shutdown: diagnostics.channel(channelNames.shutdown),
  stepStart: diagnostics.channel(channelNames.stepStart),
  step: diagnostics.channel(channelNames.step),
  closed: diagnostics.channel(channelNames.closed),
  readiness: diagnostics.channel(channelNames.readiness),
};

export function publish(channel: diagnostics.Channel, message: object): void {
  if (channel.hasSubscribers) channel.publish(message);
}
