package io.latchkey.core.push;

/**
 * Delivers a new challenge to the devices that may answer it, wherever they are connected. Called
 * after the challenge is committed; a device that is offline gets it when it reconnects, from the
 * database, so a lost publication delays delivery but loses nothing.
 */
public interface ChallengePublisher {
  void publish(Challenge challenge);
}
