#include "config/xml_builders.hpp"

#include "config/xml_template.hpp"

#include <string>

namespace fwplan::detail {

namespace {

constexpr unsigned kSccpPort = 2000;       // ethernetPhonePort, kept in SIP files (§6.1)
constexpr unsigned kSecureSipPort = 5061;  // securedSipPort
constexpr unsigned kPhoneSipPort = 5060;   // voipControlPort: the phone's own SIP port
constexpr const char* kFeatureLine = "9";  // featureID of a SIP line
constexpr const char* kFeatureSpeed = "2"; // featureID of a speed dial

void add(pugi::xml_node parent, const char* name, std::string_view text) {
    append_text_element(parent, name, text);
}
void add(pugi::xml_node parent, const char* name, unsigned value) {
    append_text_element(parent, name, std::to_string(value));
}

void append_device_pool(pugi::xml_node device, const SipSettings& s) {
    pugi::xml_node pool = device.append_child("devicePool");
    pugi::xml_node date_time = pool.append_child("dateTimeSetting");
    add(date_time, "dateTemplate", s.date_template);
    add(date_time, "timeZone", s.time_zone);
    pugi::xml_node ntps = date_time.append_child("ntps");
    if (!s.ntp_server.empty()) {
        pugi::xml_node ntp = ntps.append_child("ntp");
        add(ntp, "name", s.ntp_server);
        add(ntp, "ntpMode", "Unicast");
    }
    append_call_manager_group(pool, s);
}

// A working subset of CUCM's sipCallFeatures: the service URIs the phone's softkeys use.
void append_call_features(pugi::xml_node profile) {
    pugi::xml_node features = profile.append_child("sipCallFeatures");
    add(features, "cnfJoinEnabled", "true");
    add(features, "callForwardURI", "x-cisco-serviceuri-cfwdall");
    add(features, "callPickupURI", "x-cisco-serviceuri-pickup");
    add(features, "callPickupListURI", "x-cisco-serviceuri-opickup");
    add(features, "callPickupGroupURI", "x-cisco-serviceuri-gpickup");
    add(features, "meetMeServiceURI", "x-cisco-serviceuri-meetme");
    add(features, "abbreviatedDialURI", "x-cisco-serviceuri-abbrdial");
    add(features, "rfc2543Hold", "false");
    add(features, "callHoldRingback", "2");
    add(features, "localCfwdEnable", "true");
    add(features, "semiAttendedTransfer", "true");
    add(features, "anonymousCallBlock", "2");
    add(features, "callerIdBlocking", "2");
    add(features, "dndControl", "0");
    add(features, "remoteCcEnable", "true");
}

// RFC 3261 timer defaults (T1 500 ms, T2 4 s) and a one-hour registration.
void append_sip_stack(pugi::xml_node profile) {
    pugi::xml_node stack = profile.append_child("sipStack");
    add(stack, "sipInviteRetx", "6");
    add(stack, "sipRetx", "10");
    add(stack, "timerInviteExpires", "180");
    add(stack, "timerRegisterExpires", "3600");
    add(stack, "timerRegisterDelta", "5");
    add(stack, "timerKeepAliveExpires", "120");
    add(stack, "timerSubscribeExpires", "120");
    add(stack, "timerSubscribeDelta", "5");
    add(stack, "timerT1", "500");
    add(stack, "timerT2", "4000");
    add(stack, "maxRedirects", "70");
    add(stack, "remotePartyID", "true");
    add(stack, "userInfo", "None");
}

void append_line(pugi::xml_node lines, unsigned button, const SipLine& line, unsigned port) {
    const std::string& auth_name = line.auth_name.empty() ? line.name : line.auth_name;
    const std::string& display = line.display_name.empty() ? line.name : line.display_name;
    pugi::xml_node node = lines.append_child("line");
    node.append_attribute("button").set_value(button);
    add(node, "featureID", kFeatureLine);
    add(node, "featureLabel", display);
    add(node, "proxy", "USECALLMANAGER");
    add(node, "port", port);
    add(node, "name", line.name);
    add(node, "displayName", display);
    pugi::xml_node auto_answer = node.append_child("autoAnswer");
    add(auto_answer, "autoAnswerEnabled", "2");
    add(node, "callWaiting", "3");
    add(node, "authName", auth_name);
    add(node, "authPassword", line.auth_password);
    add(node, "sharedLine", "false");
    add(node, "messageWaitingLampPolicy", "3");
    add(node, "messagesNumber", line.messages_number);
    add(node, "ringSettingIdle", "4");
    add(node, "ringSettingActive", "5");
    add(node, "contact", line.name);
    pugi::xml_node forward = node.append_child("forwardCallInfoDisplay");
    add(forward, "callerName", "true");
    add(forward, "callerNumber", "false");
    add(forward, "redirectedNumber", "false");
    add(forward, "dialedNumber", "true");
}

void append_speed_dial(pugi::xml_node lines, unsigned button, const SpeedDial& dial) {
    pugi::xml_node node = lines.append_child("line");
    node.append_attribute("button").set_value(button);
    add(node, "featureID", kFeatureSpeed);
    add(node, "featureLabel", dial.label);
    add(node, "speedDialNumber", dial.number);
}

void append_sip_profile(pugi::xml_node device, const SipSettings& s) {
    pugi::xml_node profile = device.append_child("sipProfile");
    pugi::xml_node proxies = profile.append_child("sipProxies");
    add(proxies, "backupProxy", "");
    add(proxies, "backupProxyPort", "");
    add(proxies, "emergencyProxy", "");
    add(proxies, "emergencyProxyPort", "");
    add(proxies, "outboundProxy", s.outbound_proxy);
    if (s.outbound_proxy.empty())
        add(proxies, "outboundProxyPort", "");
    else
        add(proxies, "outboundProxyPort",
            s.outbound_proxy_port != 0 ? s.outbound_proxy_port : s.port);
    add(proxies, "registerWithProxy", "true");
    append_call_features(profile);
    append_sip_stack(profile);
    add(profile, "autoAnswerTimer", "1");
    add(profile, "autoAnswerAltBehavior", "false");
    add(profile, "autoAnswerOverride", "true");
    add(profile, "transferOnhookEnabled", "false");
    add(profile, "enableVad", "false");
    add(profile, "preferredCodec", "none");
    add(profile, "dtmfAvtPayload", "101");
    add(profile, "dtmfDbLevel", "3");
    add(profile, "dtmfOutofBand", "avt");
    add(profile, "alwaysUsePrimeLine", "false");
    add(profile, "alwaysUsePrimeLineVoiceMail", "false");
    add(profile, "kpml", "3");
    add(profile, "natEnabled", "false");
    add(profile, "natAddress", "");
    add(profile, "phoneLabel", s.phone_label);
    add(profile, "stutterMsgWaiting", "2");
    add(profile, "callStats", "false");
    add(profile, "silentPeriodBetweenCallWaitingBursts", "10");
    add(profile, "disableLocalSpeedDialConfig", "false");
    add(profile, "startMediaPort", "16384");
    add(profile, "stopMediaPort", "32766");
    pugi::xml_node lines = profile.append_child("sipLines");
    unsigned button = 1;
    for (const SipLine& line : s.lines)
        append_line(lines, button++, line, s.port);
    for (const SpeedDial& dial : s.speed_dials)
        append_speed_dial(lines, button++, dial);
    add(profile, "voipControlPort", kPhoneSipPort);
    add(profile, "dscpForAudio", "184");
    add(profile, "ringSettingBusyStationPolicy", "0");
    add(profile, "dialTemplate", "dialplan.xml");
}

void append_vendor_config(pugi::xml_node device) {
    pugi::xml_node vendor = device.append_child("vendorConfig");
    add(vendor, "disableSpeaker", "false");
    add(vendor, "disableSpeakerAndHeadset", "false");
    add(vendor, "pcPort", "0");
    add(vendor, "settingsAccess", "1");
    add(vendor, "voiceVlanAccess", "0");
    add(vendor, "videoCapability", "0");
    add(vendor, "autoSelectLineEnable", "0");
    add(vendor, "webAccess", "0");
    add(vendor, "loggingDisplay", "1");
    add(vendor, "loadServer", "");
}

void append_locales(pugi::xml_node device) {
    pugi::xml_node user = device.append_child("userLocale");
    add(user, "name", "English_United_States");
    add(user, "uid", "1");
    add(user, "langCode", "en_US");
    add(user, "version", "");
    add(user, "winCharSet", "utf-8");
    add(device, "networkLocale", "United_States");
    pugi::xml_node network = device.append_child("networkLocaleInfo");
    add(network, "name", "United_States");
    add(network, "uid", "64");
    add(network, "version", "");
}

} // namespace

void add_declaration(pugi::xml_document& doc) {
    pugi::xml_node declaration = doc.append_child(pugi::node_declaration);
    declaration.append_attribute("version").set_value("1.0");
    declaration.append_attribute("encoding").set_value("UTF-8");
}

void append_call_manager_group(pugi::xml_node parent, const SipSettings& server) {
    pugi::xml_node group = parent.append_child("callManagerGroup");
    pugi::xml_node members = group.append_child("members");
    pugi::xml_node member = members.append_child("member");
    member.append_attribute("priority").set_value("0");
    pugi::xml_node manager = member.append_child("callManager");
    pugi::xml_node ports = manager.append_child("ports");
    add(ports, "ethernetPhonePort", kSccpPort);
    add(ports, "sipPort", server.port);
    add(ports, "securedSipPort", kSecureSipPort);
    add(manager, "processNodeName", server.server);
}

std::string builtin_sip_template_text(const SipSettings& s) {
    pugi::xml_document doc;
    add_declaration(doc);
    pugi::xml_node device = doc.append_child("device");
    add(device, "deviceProtocol", "SIP");
    add(device, "sshUserId", "");
    add(device, "sshPassword", "");
    append_device_pool(device, s);
    append_sip_profile(device, s);
    pugi::xml_node common = device.append_child("commonProfile");
    add(common, "phonePassword", "");
    add(common, "backgroundImageAccess", "true");
    add(common, "callLogBlfEnabled", "2");
    add(device, "loadInformation", "");
    append_vendor_config(device);
    add(device, "versionStamp", ""); // set by render: a digest of each step's file
    append_locales(device);
    add(device, "deviceSecurityMode", "1"); // 1: no security, the files are not signed
    add(device, "idleTimeout", "0");
    for (const char* url : {"authenticationURL", "directoryURL", "idleURL", "informationURL",
                            "messagesURL", "proxyServerURL", "servicesURL"})
        add(device, url, "");
    add(device, "transportLayerProtocol", "2"); // 2: UDP (1 TCP, 3 TLS)
    add(device, "phonePersonalization", "1");
    add(device, "certHash", "");
    add(device, "encrConfig", "false");
    return save_indented(doc);
}

} // namespace fwplan::detail
