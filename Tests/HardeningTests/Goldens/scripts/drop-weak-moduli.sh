awk '$1 ~ /^#/ || $5 >= 2047' /etc/ssh/moduli > /etc/ssh/moduli.bulwark && chmod 0644 /etc/ssh/moduli.bulwark && mv /etc/ssh/moduli.bulwark /etc/ssh/moduli
