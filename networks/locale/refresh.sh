#!/bin/sh
# Refresh the German catalog of the networks app, including the strings of the files
# this app owns outside its folder (api/networks.py and the network lead's section of the
# landing page), which makemessages only sees through temporary links.
set -e
cd "$(dirname "$0")/.."
ln -sf ../api/networks.py _i18n_api_networks.py
ln -sf ../../../templates/core/home_network_lead.html templates/networks/_i18n_home_network_lead.html
trap 'rm -f _i18n_api_networks.py templates/networks/_i18n_home_network_lead.html' EXIT
../.venv/bin/python ../manage.py makemessages -l de --no-obsolete
../.venv/bin/python ../manage.py compilemessages -l de
