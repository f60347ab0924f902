! { awk '$5 < 2047 && $5 ~ /^[0-9]+$/' /etc/ssh/moduli | grep -q .; }
