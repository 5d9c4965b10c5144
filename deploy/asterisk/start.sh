#!/bin/sh
# Asterisk's start in docker-compose.yml: lay the product's asterisk-conf/ over the image's own
# configuration (keeping its asterisk.conf, logger.conf and the rest), fill in what asterisk-conf/
# leaves as CHANGE-ME from the environment, open AMI to the centre's network, prepare the folders
# shared with the product (group SHARED_GID, the product image's), then run Asterisk in the
# foreground as the asterisk user. The folders are settable so tests/deploy/ can run it without Docker.
set -eu

: "${AMI_SECRET:?set AMI_SECRET (the product's DIALER_AMI_SERVERS secret)}"
CONF_SRC="${CONF_SRC:-/opt/dialer/asterisk-conf}"
ETC="${ETC:-/etc/asterisk}"
SPOOL="${SPOOL:-/var/spool/asterisk}"
AMI_PERMIT="${AMI_PERMIT:-127.0.0.1/255.255.255.255}"
AGI_URL="${AGI_URL:-agi://127.0.0.1:4573}"
TRUNK_HOST="${TRUNK_HOST:-sip.carrier.example}"
TRUNK_USERNAME="${TRUNK_USERNAME:-CHANGE-ME}"
TRUNK_PASSWORD="${TRUNK_PASSWORD:-CHANGE-ME}"
RTP_START="${RTP_START:-10000}"
RTP_END="${RTP_END:-20000}"
SHARED_GID="${SHARED_GID:-10001}"

case "$AMI_SECRET" in
  CHANGE-ME|*[!A-Za-z0-9._~+=-]*) echo "start.sh: AMI_SECRET must be set, of letters, digits and ._~+=-" >&2; exit 2 ;;
esac

mkdir -p "$ETC"
cp "$CONF_SRC"/*.conf "$ETC"/

# AMI: listen on every address of the container, for the centre's network only.
sed -i \
  -e "s|^bindaddr = 127.0.0.1 .*|bindaddr = 0.0.0.0|" \
  -e "s|^secret = CHANGE-ME .*|secret = ${AMI_SECRET}|" \
  -e "s|^permit = 127.0.0.1/255.255.255.255|permit = ${AMI_PERMIT}|" \
  "$ETC/manager.conf"
sed -i -e "s|^DIALER_AGI = agi://127.0.0.1:4573 |DIALER_AGI = ${AGI_URL} |" "$ETC/extensions.conf"
sed -i \
  -e "s|sip.carrier.example|${TRUNK_HOST}|g" \
  -e "s|^username = CHANGE-ME|username = ${TRUNK_USERNAME}|" \
  -e "s|^password = CHANGE-ME|password = ${TRUNK_PASSWORD}|" \
  "$ETC/pjsip.conf"
printf '[general]\nrtpstart = %s\nrtpend = %s\n' "$RTP_START" "$RTP_END" > "$ETC/rtp.conf"

# The operators' endpoints: the product writes them into the shared folder; pjsip.conf
# #tryincludes pjsip_operators.conf beside it.
mkdir -p "$ETC/dialer-operators" "$SPOOL/dialer" "$SPOOL/dialer-record"
ln -sf "$ETC/dialer-operators/pjsip_operators.conf" "$ETC/pjsip_operators.conf"

run_as=""
if id asterisk >/dev/null 2>&1; then
  run_as="asterisk"
  chown -R asterisk "$ETC" "$SPOOL/dialer" "$SPOOL/dialer-record" 2>/dev/null || true
fi
for shared in "$ETC/dialer-operators" "$SPOOL/dialer" "$SPOOL/dialer-record"; do
  chgrp "$SHARED_GID" "$shared" 2>/dev/null || true
  chmod 2775 "$shared"
done

if [ -n "$run_as" ]; then
  exec asterisk -f -U "$run_as" -G "$run_as"
fi
exec asterisk -f
