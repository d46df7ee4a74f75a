/* Board ABI version 1: the numbers a board and the firmware agree on.
 * Kept in step with boards/abi.json by test/hil/abi-conformance.test.ts;
 * change them there first. */
#ifndef LINKFW_ABI_H
#define LINKFW_ABI_H

#define ABI_VERSION 1

/* Status codes returned by board imports (boards/ABI.md, Conventions). */
#define ABI_OK 0
#define ABI_EINVAL -1
#define ABI_ENOTSUP -2
#define ABI_EBUSY -3
#define ABI_ENOENT -4
#define ABI_EIO -5
#define ABI_ETOOSMALL -6
#define ABI_EAUTH -7

/* board_cap ids (boards/ABI.md, Capabilities). */
#define CAP_DISPLAY_WIDTH 1
#define CAP_DISPLAY_HEIGHT 2
#define CAP_DISPLAY_FORMAT 3
#define CAP_TEXT_COLS 4
#define CAP_TEXT_ROWS 5
#define CAP_LED_COUNT 6
#define CAP_HAS_SPEAKER 7
#define CAP_SEAL_OVERHEAD 8
#define CAP_NET_BODY_CAP 9
#define CAP_DEVICE_TYPE 10

/* Transport statuses passed to fw_on_net_response (boards/ABI.md, Network). */
#define NET_CONNECT_FAILED -10
#define NET_TIMEOUT -11
#define NET_BODY_TOO_LARGE -12
#define NET_TLS -13
#define NET_PROTOCOL -14

/* fw_on_button values. */
#define BUTTON_LINK 1
#define BUTTON_UNLINK 2
#define BUTTON_ACTION 3

/* config_len / config_read kinds. */
#define CONFIG_DEVICE 0
#define CONFIG_ACTIONS 1

/* Minimums a board must meet (boards/ABI.md, Minimum sizes). */
#define MIN_IN_FLIGHT 2
#define FLASH_ERASED 0xFF

#endif
